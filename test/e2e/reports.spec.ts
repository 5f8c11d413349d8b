import type request from 'supertest';
import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/** RFC 4180: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
}

const AS_OF = '2024-07-04';

describe('the progress report and momentum', () => {
  let t: TestApp;
  let analyst: [string, string];
  let editor: [string, string];
  let f: Factories;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp();
    const staff = await t.tokenFor('staff');
    analyst = bearer(await t.tokenFor('analyst'));
    editor = bearer(await t.tokenFor('editor'));
    f = factories(t.http, staff);
    await f.actor({ kind: 'state', name: 'Kazakhstan', slug: 'kazakhstan' });
    await f.actor({ kind: 'state', name: 'Russia', slug: 'russia' });
    await f.actor({ kind: 'organization', name: 'SCO', slug: 'sco' });
    const make = (slug: string, proposedOn: string, extra: Record<string, unknown> = {}) =>
      f.proposal({ slug, title: `Report ${slug}`, proposedOn, proposers: [{ actor: 'kazakhstan' }], ...extra });

    await make('r-advancing', '2015', { forums: ['sco'], tags: ['energy'] });
    await f.transition('r-advancing', { to: 'drafting', occurredOn: '2024-06-01' });
    await make('r-active', '2015', { proposers: [{ actor: 'russia' }] });
    await f.statement({ saidOn: '2024-03', proposals: [{ slug: 'r-active', stance: 'supports' }] });
    await f.statement({ saidOn: '2024-04-02', proposals: [{ slug: 'r-active', stance: 'opposes' }] });
    await make('r-stalled', '2020-02', { tags: ['energy'] });
    await make('r-suspended', '2023-08-01');
    await f.transition('r-suspended', { to: 'suspended', occurredOn: '2024-05' });
    await make('r-concluded', '2010');
    await f.transition('r-concluded', { to: 'implemented', occurredOn: '2012-03-01' });
    await make('r-future', '2025');
    await make('r-retracted', '2015');
    ids.retracted = (await f.transition('r-retracted', { to: 'adopted', occurredOn: '2024-06-15' })).id;
    await t.http
      .post(`/api/v1/proposals/r-retracted/transitions/${ids.retracted}/retract`)
      .set(...editor)
      .send({ reason: 'logged against the wrong proposal' });
  });
  afterAll(async () => {
    await t.close();
  });

  const report = (query: string) => t.http.get(`/api/v1/reports/progress?${query}`).set(...analyst);

  it('classifies every proposal that existed on asOf, with reasons, totals and statuses', async () => {
    const response = await report(`asOf=${AS_OF}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      asOf: AS_OF,
      windowDays: 365,
      totals: { advancing: 1, active: 1, stalled: 3, concluded: 1, total: 6 },
    });
    expect(response.body.byStatus).toMatchObject({
      drafting: 1,
      proposed: 3,
      suspended: 1,
      implemented: 1,
      adopted: 0,
    });
    const rows = Object.fromEntries(response.body.proposals.map((row: { slug: string }) => [row.slug, row]));
    expect(Object.keys(rows)).toEqual([
      'r-active',
      'r-advancing',
      'r-concluded',
      'r-retracted',
      'r-stalled',
      'r-suspended',
    ]);
    expect(rows['r-advancing']).toMatchObject({
      status: 'drafting',
      statusSince: '2024-06-01',
      daysInStatus: 33,
      furthestStatus: 'drafting',
      lastTransitionOn: '2024-06-01',
      lastStatementOn: null,
      momentum: 'advancing',
      reasons: ['advanced from proposed to drafting on 2024-06-01'],
    });
    expect(rows['r-active']).toMatchObject({
      momentum: 'active',
      lastStatementOn: '2024-04-02',
      statementsInWindow: { supports: 1, opposes: 1, neutral: 0, total: 2 },
      reasons: [
        '2 statements in the window, 1 supporting, 1 opposing, no advance in the last 365 days (proposed since 2015)',
      ],
    });
    expect(rows['r-stalled']).toMatchObject({
      momentum: 'stalled',
      reasons: ['no status change since 2020-02 and no statement in the last 365 days'],
    });
    expect(rows['r-suspended']).toMatchObject({ momentum: 'stalled', reasons: ['suspended since 2024-05'] });
    expect(rows['r-concluded']).toMatchObject({ momentum: 'concluded', status: 'implemented' });
    expect(rows['r-retracted']).toMatchObject({ momentum: 'stalled', status: 'proposed', furthestStatus: 'proposed' });
  });

  it('moves with asOf and windowDays', async () => {
    const early = await report('asOf=2012-01-01');
    expect(early.body.proposals.map((row: { slug: string }) => row.slug)).toEqual(['r-concluded']);
    expect(early.body.proposals[0]).toMatchObject({ status: 'proposed', momentum: 'stalled' });
    const narrow = await report(`asOf=${AS_OF}&windowDays=30`);
    const momentum = Object.fromEntries(
      narrow.body.proposals.map((row: { slug: string; momentum: string }) => [row.slug, row.momentum]),
    );
    expect(momentum).toMatchObject({ 'r-advancing': 'stalled', 'r-active': 'stalled' });
  });

  it('filters by status on asOf, forum, proposer and tag', async () => {
    const slugs = async (query: string) =>
      (await report(`asOf=${AS_OF}&${query}`)).body.proposals.map((row: { slug: string }) => row.slug);
    expect(await slugs('status=suspended,implemented')).toEqual(['r-concluded', 'r-suspended']);
    expect(await slugs('forum=sco')).toEqual(['r-advancing']);
    expect(await slugs('proposer=russia')).toEqual(['r-active']);
    expect(await slugs('tag=energy')).toEqual(['r-advancing', 'r-stalled']);
    const filtered = await report(`asOf=${AS_OF}&tag=energy`);
    expect(filtered.body.totals).toEqual({ advancing: 1, active: 0, stalled: 1, concluded: 0, total: 2 });
  });

  it('answers CSV that parses back to the same rows, for format=csv or Accept: text/csv', async () => {
    const json = await report(`asOf=${AS_OF}`);
    for (const response of [
      await report(`asOf=${AS_OF}&format=csv`),
      await t.http
        .get(`/api/v1/reports/progress?asOf=${AS_OF}`)
        .set(...analyst)
        .set('accept', 'text/csv'),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(response.headers['content-disposition']).toBe(`attachment; filename="progress-report-${AS_OF}.csv"`);
      const [header, ...rows] = parseCsv(response.text);
      expect(header).toEqual([
        'slug',
        'title',
        'status',
        'statusSince',
        'statusSinceCertainty',
        'statusSinceBasis',
        'daysInStatus',
        'furthestStatus',
        'lastTransitionOn',
        'lastTransitionOnCertainty',
        'lastTransitionOnBasis',
        'lastStatementOn',
        'lastStatementOnCertainty',
        'lastStatementOnBasis',
        'statementsInWindow',
        'supportsInWindow',
        'opposesInWindow',
        'neutralInWindow',
        'supportingActors',
        'opposingActors',
        'momentum',
        'reasons',
        'assessmentMomentum',
        'assessmentReason',
        'assessmentBy',
        'assessmentOn',
      ]);
      expect(rows).toEqual(
        json.body.proposals.map((row: Record<string, unknown> & { statementsInWindow: Record<string, number> }) => [
          row.slug,
          row.title,
          row.status,
          row.statusSince,
          row.statusSinceCertainty,
          row.statusSinceBasis ?? '',
          String(row.daysInStatus),
          row.furthestStatus,
          row.lastTransitionOn,
          row.lastTransitionOnCertainty,
          row.lastTransitionOnBasis ?? '',
          row.lastStatementOn ?? '',
          row.lastStatementOnCertainty ?? '',
          row.lastStatementOnBasis ?? '',
          String(row.statementsInWindow.total),
          String(row.statementsInWindow.supports),
          String(row.statementsInWindow.opposes),
          String(row.statementsInWindow.neutral),
          String(row.supportingActors),
          String(row.opposingActors),
          row.momentum,
          (row.reasons as string[]).join('; '),
          '',
          '',
          '',
          '',
        ]),
      );
    }
  });

  it('quotes titles with commas, quotes and line breaks in CSV', async () => {
    await f.proposal({
      slug: 'r-quoted',
      title: 'A "charter", with commas',
      // Dated after the other fixtures' asOf, so it appears only in this test's report.
      proposedOn: '2026-01',
      proposers: [{ actor: 'russia' }],
    });
    const response = await report(`asOf=2026-01-31&format=csv&proposer=russia`);
    const rows = parseCsv(response.text);
    expect(rows.find((row) => row[0] === 'r-quoted')?.[1]).toBe('A "charter", with commas');
    expect(response.text).toContain('"A ""charter"", with commas"');
  });

  it.each([
    'asOf=2024-02-30',
    'asOf=2024-13',
    'asOf=yesterday',
    'windowDays=0',
    'windowDays=3651',
    'windowDays=1.5',
    'windowDays=abc',
    'format=xml',
    'status=pending',
    'forum=Not%20a%20slug',
    'unknown=1',
  ])('refuses %s with 400', async (query) => {
    const response = await report(query);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('agrees with GET /proposals/{slug}/status for every proposal and date', async () => {
    for (const asOf of [
      '2010-06-01',
      '2012-03-01',
      '2020-01-31',
      '2023-08-01',
      '2024-05-31',
      '2024-06-15',
      AS_OF,
      '2026-01-01',
    ]) {
      const rows = (await report(`asOf=${asOf}`)).body.proposals as {
        slug: string;
        status: string;
        statusSince: string;
      }[];
      const bySlug = new Map(rows.map((row) => [row.slug, row]));
      for (const slug of [
        'r-advancing',
        'r-active',
        'r-stalled',
        'r-suspended',
        'r-concluded',
        'r-future',
        'r-retracted',
      ]) {
        const status = await t.http.get(`/api/v1/proposals/${slug}/status?asOf=${asOf}`).set(...analyst);
        const row = bySlug.get(slug);
        expect({ slug, asOf, status: row?.status ?? null, statusSince: row?.statusSince ?? null }).toEqual({
          slug,
          asOf,
          status: status.body.status,
          statusSince: status.body.statusSince,
        });
      }
    }
  });

  describe('GET /proposals', () => {
    const list = async (query: string): Promise<request.Response> =>
      t.http.get(`/api/v1/proposals?${query}`).set(...analyst);

    it('filters by momentum on asOf and shows each row’s momentum as of then', async () => {
      const response = await list(`momentum=stalled&asOf=${AS_OF}&limit=100`);
      expect(response.status).toBe(200);
      const rows = response.body.data as { slug: string; momentum: string; momentumAsOf: string }[];
      expect(rows.map((row) => row.slug).sort()).toEqual(['r-retracted', 'r-stalled', 'r-suspended']);
      expect(rows.every((row) => row.momentum === 'stalled' && row.momentumAsOf === AS_OF)).toBe(true);
      const both = await list(`momentum=advancing,concluded&asOf=${AS_OF}`);
      expect(both.body.data.map((row: { slug: string }) => row.slug).sort()).toEqual(['r-advancing', 'r-concluded']);
      const future = (await list(`asOf=${AS_OF}&limit=100`)).body.data.find(
        (row: { slug: string }) => row.slug === 'r-future',
      );
      // Not yet recorded on asOf: left out.
      expect(future).toBeUndefined();
    });

    it('shows the momentum as of today on a single proposal', async () => {
      const response = await t.http.get('/api/v1/proposals/r-concluded').set(...analyst);
      expect(response.body).toMatchObject({
        momentum: 'concluded',
        momentumReasons: ['concluded: advanced from proposed to implemented on 2012-03-01'],
      });
    });

    it.each([
      'momentum=moving',
      'asOf=2024-13-01',
      'windowDays=0',
      'sort=popularity',
      'sort=relevance',
      'limit=0',
      'limit=101',
      'cursor=abc',
      'status=pending',
      'updatedSince=yesterday',
      'updatedSince=2024-01-01',
    ])('refuses %s with 400', async (query) => {
      expect((await list(query)).status).toBe(400);
    });

    it('returns proposals changed after updatedSince', async () => {
      const before = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await f.transition('r-stalled', { to: 'under_discussion', occurredOn: '2026-01-01' });
      await f.statement({ saidOn: '2026-02', proposals: [{ slug: 'r-future', stance: 'neutral' }] });
      const changed = await list(`updatedSince=${encodeURIComponent(before)}&limit=100`);
      expect(changed.body.data.map((row: { slug: string }) => row.slug).sort()).toEqual(['r-future', 'r-stalled']);
    });

    it.each([
      ['-lastActivityOn', (a: Row, b: Row) => cmp(b.lastActivityOn, a.lastActivityOn)],
      ['title', (a: Row, b: Row) => a.title.localeCompare(b.title, 'en')],
      ['proposedOn', (a: Row, b: Row) => cmp(a.proposedOn, b.proposedOn)],
      ['-proposedOn', (a: Row, b: Row) => cmp(b.proposedOn, a.proposedOn)],
      ['-statusSince', (a: Row, b: Row) => cmp(b.statusSince, a.statusSince)],
    ])('sorts by %s and pages through every proposal once while others are added', async (sort, order) => {
      const all = (await list(`sort=${sort}&limit=100`)).body.data as Row[];
      expect(all.length).toBeGreaterThan(5);
      for (let i = 1; i < all.length; i += 1) expect(order(all[i - 1], all[i])).toBeLessThanOrEqual(0);
      const seen: string[] = [];
      let cursor: string | null = null;
      let added = 0;
      do {
        const page: request.Response = await list(`sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((row: Row) => row.slug));
        cursor = page.body.page.nextCursor;
        if (cursor) {
          expect(page.headers.link).toBe(
            `</api/v1/proposals?sort=${encodeURIComponent(sort)}&limit=2&cursor=${cursor}>; rel="next"`,
          );
          expect((await list(`sort=title&limit=2&cursor=${cursor}`)).status).toBe(sort === 'title' ? 200 : 400);
        } else {
          expect(page.headers.link).toBeUndefined();
        }
        added += 1;
        await f.proposal({
          title: `Added while paging ${sort.replace('-', 'descending ')} ${added}`,
          proposedOn: '2024-07-02',
          proposers: [{ actor: 'russia' }],
        });
      } while (cursor);
      const before = all.map((row) => row.slug);
      expect(seen.filter((slug) => before.includes(slug))).toEqual(before);
      expect(new Set(seen).size).toBe(seen.length);
    });
  });
});

interface Row {
  slug: string;
  title: string;
  proposedOn: string;
  statusSince: string;
  lastActivityOn: string;
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
