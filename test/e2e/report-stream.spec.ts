import http from 'node:http';
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

  it('gives its connection back when the client goes away mid-report', async () => {
    await t.app.listen(0, '127.0.0.1');
    const url = `${await t.app.getUrl()}/api/v1/reports/progress?asOf=${AS_OF}`;
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
    const after = await report(`asOf=${AS_OF}`);
    expect(after.status).toBe(200);
    expect(after.body.proposals).toHaveLength(BULK);
  });
});
