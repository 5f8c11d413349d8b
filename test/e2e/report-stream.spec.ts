import http from 'node:http';
import pg from 'pg';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/** RFC 4180 rows of a CSV body whose fields hold no line breaks. */
const csvFirstFields = (text: string): string[] =>
  text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => /^"((?:[^"]|"")*)"/.exec(line)?.[1] ?? '');

const AS_OF = '2024-07-04';
const BULK = 4500;

/** The report read through its cursor, batch after batch, and abandoned halfway. */
describe('a progress report of many rows', () => {
  let t: TestApp;
  let analyst: [string, string];
  beforeAll(async () => {
    t = await startTestApp();
    analyst = bearer(await t.tokenFor('analyst'));
    // More rows than one batch of the cursor, straight into the table.
    await t.dataSource.query(
      `INSERT INTO proposals (slug, title, proposed_on, status, status_since, furthest_status, last_activity_on)
       SELECT 'bulk-' || lpad(n::text, 5, '0'), 'Bulk "' || n || '", a test', '2019', s, '2020-02', 'drafting', '2020-02'
         FROM generate_series(1, $1::int) AS n,
              LATERAL (SELECT CASE WHEN n % 3 = 0 THEN 'rejected' ELSE 'drafting' END AS s) x`,
      [BULK],
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const report = (query: string) => t.http.get(`/api/v1/reports/progress?${query}`).set(...analyst);

  it('streams every row once, in slug order, with totals counted over all of them', async () => {
    const response = await report(`asOf=${AS_OF}`);
    expect(response.status).toBe(200);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const slugs = response.body.proposals.map((row: { slug: string }) => row.slug);
    expect(slugs).toHaveLength(BULK);
    expect(slugs).toEqual([...slugs].sort());
    expect(new Set(slugs).size).toBe(BULK);
    expect(response.body.totals).toEqual({ advancing: 0, active: 0, stalled: 3000, concluded: 1500, total: BULK });
    expect(response.body.byStatus).toMatchObject({ drafting: 3000, rejected: 1500 });
    expect(response.body.proposals[2]).toMatchObject({
      slug: 'bulk-00003',
      title: 'Bulk "3", a test',
      momentum: 'concluded',
    });
    const csv = csvFirstFields((await report(`asOf=${AS_OF}&format=csv`)).text);
    expect(csv).toEqual(['slug', ...slugs]);
  });

  /** Assigns a transaction id and commits it, as any write does, changing no proposal. */
  const commitSomething = () => t.dataSource.query('SELECT txid_current()');
  /**
   * The report asked twice in a row; true when the second answer came from the copy kept by the
   * first. The server's own background work (autovacuum's analyze) also takes transaction ids; a
   * copy is still answered as it is when those changed no proposal.
   */
  const repeatIsHit = async (query: string, encoding = 'gzip'): Promise<boolean> => {
    await report(query).set('accept-encoding', encoding);
    return (await report(query).set('accept-encoding', encoding)).headers['x-cache'] === 'hit';
  };

  it('answers a repeat from the report it kept: the same body, gzipped to a client that takes gzip', async () => {
    const first = await report(`asOf=${AS_OF}&windowDays=300`).set('accept-encoding', 'identity');
    expect(first.headers['x-cache']).toBe('miss');
    expect(first.headers.vary).toMatch(/accept-encoding/i);
    expect(await repeatIsHit(`asOf=${AS_OF}&windowDays=300`)).toBe(true);
    const gzipped = await report(`asOf=${AS_OF}&windowDays=300`).set('accept-encoding', 'gzip');
    expect(gzipped.headers['x-cache']).toBe('hit');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(Number(gzipped.headers['content-length'])).toBeLessThan(first.text.length / 4);
    expect(gzipped.text).toBe(first.text);
    const plain = await report(`asOf=${AS_OF}&windowDays=300`).set('accept-encoding', 'identity');
    expect(plain.headers['x-cache']).toBe('hit');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(first.text);
    // Each format, date and filter is a report of its own.
    const csv = await report(`asOf=${AS_OF}&format=csv`).set('accept-encoding', 'identity');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(await repeatIsHit(`asOf=${AS_OF}&format=csv`, 'identity')).toBe(true);
    const csvAgain = await report(`asOf=${AS_OF}&format=csv`).set('accept-encoding', 'identity');
    expect(csvAgain.headers['content-type']).toMatch(/^text\/csv/);
    expect(csvAgain.text).toBe(csv.text);
    const filtered = await report(`asOf=${AS_OF}&status=rejected`);
    expect(filtered.headers['x-cache']).toBe('miss');
    expect(filtered.body.totals.total).toBe(1500);
  });

  it('brings the kept report up to date after a commit, even one in flight when it was read', async () => {
    const rows = async () => (await report(`asOf=${AS_OF}`)).body.proposals.length as number;
    const insert = (client: { query: (sql: string) => Promise<unknown> }, slug: string) =>
      client.query(
        `INSERT INTO proposals (slug, title, proposed_on, status, status_since, furthest_status, last_activity_on)
         VALUES ('${slug}', 'Late', '2019', 'drafting', '2020-02', 'drafting', '2020-02')`,
      );
    try {
      expect(await repeatIsHit(`asOf=${AS_OF}`)).toBe(true);
      // A commit that changed no proposal: the same copy, as it is, under a later snapshot.
      await commitSomething();
      const unchanged = await report(`asOf=${AS_OF}`);
      expect(unchanged.headers['x-cache']).toBe('hit');
      expect(unchanged.body.proposals).toHaveLength(BULK);
      await insert(t.dataSource, 'zz-committed');
      const after = await report(`asOf=${AS_OF}`);
      expect(after.headers['x-cache']).toBe('updated');
      expect(after.body.proposals).toHaveLength(BULK + 1);
      expect(after.body.proposals.at(-1).slug).toBe('zz-committed');
      expect(after.body.totals.total).toBe(BULK + 1);

      // A writer that took its transaction id before a later one committed is still in progress when
      // the report is read; once it commits, its proposal must still be found changed.
      const writer = new pg.Client({ connectionString: t.databaseUrl });
      await writer.connect();
      try {
        await writer.query('BEGIN');
        await insert(writer, 'zz-in-flight');
        await commitSomething();
        expect(await repeatIsHit(`asOf=${AS_OF}`)).toBe(true);
        expect(await rows()).toBe(BULK + 1);
        await writer.query('COMMIT');
      } finally {
        await writer.end();
      }
      const committed = await report(`asOf=${AS_OF}`);
      expect(committed.headers['x-cache']).toBe('updated');
      expect(committed.body.proposals).toHaveLength(BULK + 2);
      expect(committed.body.proposals.at(-1).slug).toBe('zz-in-flight');
    } finally {
      await t.dataSource.query(`DELETE FROM proposals WHERE slug IN ('zz-committed', 'zz-in-flight')`);
    }
  });

  it('gives its connection back when the client goes away mid-report', async () => {
    // A report not asked before, so that each request below reads it through its cursor.
    const query = `asOf=${AS_OF}&windowDays=200`;
    await t.app.listen(0, '127.0.0.1');
    const url = `${await t.app.getUrl()}/api/v1/reports/progress?${query}`;
    const token = analyst[1];
    // More abandoned reports than the pool has connections: some dropped as soon as they are
    // sent (the report has not started), some after the first bytes of the body.
    for (let i = 0; i < 12; i += 1) {
      await new Promise<void>((resolve, reject) => {
        const request = http.get(url, { headers: { authorization: token } }, (response) => {
          response.once('data', () => request.destroy());
        });
        if (i % 2 === 0) request.once('finish', () => request.destroy());
        request.once('close', () => resolve());
        request.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') reject(error);
        });
      });
    }
    // Let the server notice and finish each abandoned report.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stuck = async () =>
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        )
      )[0].n;
    for (let i = 0; i < 50 && (await stuck()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stuck()).toBe(0);
    const after = await report(query);
    expect(after.status).toBe(200);
    // No abandoned report was kept as if it were whole.
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.body.proposals).toHaveLength(BULK);
  });
});

describe('a progress report with REPORT_CACHE_MB=0', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { REPORT_CACHE_MB: '0' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is computed every time and kept nowhere', async () => {
    const analyst = bearer(await t.tokenFor('analyst'));
    const report = () => t.http.get(`/api/v1/reports/progress?asOf=${AS_OF}`).set(...analyst);
    const first = await report();
    const second = await report();
    expect(first.status).toBe(200);
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'miss']);
    expect(second.headers['content-encoding']).toBeUndefined();
    expect(second.text).toBe(first.text);
  });
});
