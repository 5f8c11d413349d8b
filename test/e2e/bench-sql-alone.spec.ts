import pg from 'pg';
import { statementsAlone } from '../../bench/sql-alone.js';
import { factories, type Factories } from '../factories/factories.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The bench's ceiling for POST /statements: the floor's SQL sent with no server between. It must
 * record real statements, as the service would, or the ceiling it reports means nothing.
 */
describe('the statement SQL alone (bench)', () => {
  let t: TestApp;
  let make: Factories;
  let client: pg.Client;
  beforeAll(async () => {
    t = await startTestApp();
    make = factories(t.http, ADMIN_TOKEN);
    client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await t.close();
  });

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await client.query<{ n: string }>(sql, params)).rows[0].n);

  it('records every statement it counts, with its link, its source and its audit row', async () => {
    const speaker = await make.actor({ kind: 'person', name: 'Bench Speaker' });
    const proposal = await make.proposal();
    let sent = 0;
    const measured = await statementsAlone(t.databaseUrl, 1, 2, () => {
      sent += 1;
      return {
        speaker: speaker.slug,
        saidOn: '2026-11-01',
        quote: `Bench statement ${sent}.`,
        source: { url: `https://bench.example/alone/${sent}` },
        proposals: [{ slug: proposal.slug, stance: 'supports' }],
      };
    });

    expect(measured.errors).toBe(0);
    expect(measured.requests).toBeGreaterThan(0);
    expect(measured.rps).toBe(measured.requests);
    expect(measured.p99).toBeGreaterThanOrEqual(measured.p50);
    expect(measured.cpuMsPerRequest?.server).toBeGreaterThan(0);
    // Two to open the connections before the clock starts, then those measured.
    const recorded = measured.requests + 2;
    expect(sent).toBe(recorded);
    expect(await count(`SELECT count(*) AS n FROM statements WHERE quote LIKE 'Bench statement %'`)).toBe(recorded);
    expect(
      await count(
        `SELECT count(*) AS n FROM statement_proposals sp JOIN proposals p ON p.id = sp.proposal_id WHERE p.slug = $1`,
        [proposal.slug],
      ),
    ).toBe(recorded);
    expect(await count(`SELECT count(*) AS n FROM sources WHERE url LIKE 'https://bench.example/alone/%'`)).toBe(
      recorded,
    );
    expect(
      await count(`SELECT count(*) AS n FROM audit_log WHERE entity_type = 'statement' AND action = 'create'`),
    ).toBe(recorded);

    // What the service shows afterwards: the proposal's activity, its new version, its timeline.
    const get = (path: string) => t.http.get(`/api/v1/proposals/${path}`).set('authorization', `Bearer ${ADMIN_TOKEN}`);
    const shown = await get(proposal.slug);
    expect(shown.status).toBe(200);
    expect(shown.body.lastActivityOn).toBe('2026-11-01');
    expect(shown.body.version).toBe(proposal.version + recorded);
    const timeline = await get(`${proposal.slug}/timeline`);
    expect(timeline.status).toBe(200);
    const said = (timeline.body.data as { type: string }[]).filter((entry) => entry.type === 'statement');
    expect(said).toHaveLength(recorded);
  });

  it('counts a statement that names no proposal there is as an error, and writes nothing for it', async () => {
    const before = await count(`SELECT count(*) AS n FROM statements`);
    const measured = await statementsAlone(t.databaseUrl, 1, 1, () => ({
      speaker: 'no-such-speaker',
      saidOn: '2026-11-01',
      quote: 'Not recorded.',
      source: { url: 'https://bench.example/none' },
      proposals: [{ slug: 'no-such-proposal', stance: 'supports' }],
    }));
    expect(measured.errors).toBe(measured.requests);
    expect(measured.rps).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM statements`)).toBe(before);
  });
});
