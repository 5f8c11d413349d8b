import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const AS_OF = '2024-07-04';
const BULK = 700;

/**
 * A kept report brought up to date after writes must read exactly as the report computed afresh:
 * the same database is served twice, once keeping reports and once computing every one.
 */
describe('a kept progress report brought up to date', () => {
  let kept: TestApp;
  let fresh: TestApp;
  let f: Factories;
  let staff: [string, string];
  let editor: [string, string];
  let analyst: [string, string];
  beforeAll(async () => {
    kept = await startTestApp();
    fresh = await startTestApp({ databaseUrl: kept.databaseUrl, env: { REPORT_CACHE_MB: '0' } });
    const staffToken = await kept.tokenFor('staff');
    staff = bearer(staffToken);
    editor = bearer(await kept.tokenFor('editor'));
    analyst = bearer(await kept.tokenFor('analyst'));
    f = factories(kept.http, staffToken);
    await f.actor({ kind: 'state', name: 'Kazakhstan', slug: 'kazakhstan' });
    await f.actor({ kind: 'organization', name: 'CICA', slug: 'cica' });
    // Several runs of rows, straight into the table.
    await kept.dataSource.query(
      `INSERT INTO proposals (slug, title, proposed_on, status, status_since, furthest_status, last_activity_on, tags)
       SELECT 'm-' || lpad(n::text, 4, '0'), 'Bulk ' || n, '2019', 'drafting', '2020-02', 'drafting', '2020-02',
              CASE WHEN n % 5 = 0 THEN ARRAY['energy'] ELSE '{}' END
         FROM generate_series(1, $1::int) AS n`,
      [BULK],
    );
  });
  afterAll(async () => {
    await fresh.close();
    await kept.close();
  });

  /** The reports compared after each write: each format, and filtered by status, forum and tag. */
  const QUERIES = [
    `asOf=${AS_OF}`,
    `asOf=${AS_OF}&format=csv`,
    `asOf=${AS_OF}&status=drafting,adopted`,
    `asOf=${AS_OF}&forum=cica`,
    `asOf=${AS_OF}&tag=energy&windowDays=90`,
  ];
  const get = (app: TestApp, query: string) =>
    app.http
      .get(`/api/v1/reports/progress?${query}`)
      .set(...analyst)
      .set('accept-encoding', 'gzip');

  /** Every report, kept and afresh: the same text; the kept ones answered as `expected`. */
  const compare = async (expected: string): Promise<void> => {
    for (const query of QUERIES) {
      const [fromKept, afresh] = [await get(kept, query), await get(fresh, query)];
      expect([query, fromKept.status, fromKept.headers['x-cache']]).toEqual([query, 200, expected]);
      expect(afresh.headers['x-cache']).toBe('miss');
      expect(fromKept.text).toBe(afresh.text);
    }
  };
  const patch = (path: string, body: Record<string, unknown>) =>
    kept.http
      .patch(`/api/v1${path}`)
      .set(...staff)
      .send(body);

  it('reads exactly as the report computed afresh, write after write', async () => {
    await compare('miss');
    await compare('hit');

    // New proposals sorting first, among the others and last, one in a forum.
    await f.proposal({
      slug: 'a-first',
      title: 'First "quoted", with a comma',
      proposedOn: '2016',
      proposers: [{ actor: 'kazakhstan' }],
    });
    await f.proposal({
      slug: 'm-0350-b',
      proposedOn: '2018-05',
      proposers: [{ actor: 'kazakhstan' }],
      forums: ['cica'],
    });
    await f.proposal({ slug: 'z-last', proposedOn: '2024-07', proposers: [{ actor: 'kazakhstan' }], tags: ['energy'] });
    await f.proposal({ slug: 'z-future', proposedOn: '2025', proposers: [{ actor: 'kazakhstan' }] });
    await compare('updated');

    // Statements, a transition out of the status filter and one into it.
    const said = await f.statement({
      saidOn: '2024-06-20',
      proposals: [
        { slug: 'a-first', stance: 'supports' },
        { slug: 'm-0350-b', stance: 'opposes' },
      ],
    });
    await f.statement({ saidOn: '2024-07-01', proposals: [{ slug: 'm-0005', stance: 'neutral' }] });
    await f.transition('m-0200', { to: 'adopted', occurredOn: '2024-05-02' });
    await f.transition('m-0400', { to: 'rejected', occurredOn: '2024-06' });
    const late = await f.transition('z-last', { to: 'drafting', occurredOn: '2024-07-03' });
    await compare('updated');

    // Edits: a title with quotes, tags moved, a statement moved to another proposal and dated
    // out of the window, then retractions of a statement and of a transition. (The rows put in
    // by hand above have no history, so statements are edited on proposals made through the API.)
    const proposal = (await kept.http.get('/api/v1/proposals/m-0010').set(...analyst)).body;
    expect(
      (await patch('/proposals/m-0010', { version: proposal.version, title: 'Now "renamed"', tags: ['energy'] }))
        .status,
    ).toBe(200);
    const tagged = (await kept.http.get('/api/v1/proposals/m-0005').set(...analyst)).body;
    expect((await patch('/proposals/m-0005', { version: tagged.version, tags: [] })).status).toBe(200);
    const moved = await patch(`/statements/${said.id}`, {
      version: said.version,
      saidOn: '2023',
      proposals: [{ slug: 'z-last', stance: 'supports' }],
    });
    expect(moved.status).toBe(200);
    await compare('updated');
    expect(
      (
        await kept.http
          .post(`/api/v1/statements/${said.id}/retract`)
          .set(...editor)
          .send({ reason: 'Misquoted' })
      ).status,
    ).toBe(200);
    expect(
      (
        await kept.http
          .post(`/api/v1/proposals/z-last/transitions/${late.id}/retract`)
          .set(...editor)
          .send({ reason: 'Logged twice' })
      ).status,
    ).toBe(200);
    await compare('updated');
    await compare('hit');

    // A transaction that changed no proposal (here: one that only took a transaction id, as
    // autovacuum's or another database's do) leaves the copy as it is.
    await kept.dataSource.query('SELECT pg_current_xact_id()');
    await compare('hit');
    await compare('hit');
  });

  it('is computed afresh when more than one in twenty of its proposals changed, or one was deleted', async () => {
    await compare('hit');
    await kept.dataSource.query(`UPDATE proposals SET title = title || '.' WHERE slug LIKE 'm-0%' AND slug < 'm-0150'`);
    await compare('miss');
    await kept.dataSource.query(`UPDATE proposals SET title = title || '.' WHERE slug = 'm-0001'`);
    await compare('updated');
    await kept.dataSource.query(`DELETE FROM proposals WHERE slug = 'm-0700'`);
    await compare('miss');
  });
});
