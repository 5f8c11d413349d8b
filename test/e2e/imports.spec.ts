import { STATEMENT_ROW_COLUMNS } from '../../src/modules/statements/statement-row.js';
import { factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const HEADER =
  'speaker,speakerRole,saidOn,saidOnCertainty,saidOnBasis,quote,summary,proposals,sourceUrl,sourcePublisher';

interface Report {
  id: string;
  kind: string;
  dryRun: boolean;
  totals: { rows: number; created: number; unchanged: number; errors: number };
  rows: { row: number; status: string; id?: string; errors?: { field: string; message: string }[] }[];
}

describe('importing statements from a file (POST /imports?kind=statements)', () => {
  let t: TestApp;
  let staff: [string, string];
  const statementCount = async (): Promise<number> =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM statements`))[0].n);
  const send = (body: string | Buffer, type = 'text/csv', query = '') =>
    t.http
      .post(`/api/v1/imports?kind=statements${query}`)
      .set(...staff)
      .set('content-type', type)
      .send(body);

  beforeAll(async () => {
    t = await startTestApp();
    staff = bearer(await t.tokenFor('staff'));
    const f = factories(t.http, ADMIN_TOKEN);
    await f.actor({ kind: 'person', name: 'Imported Speaker', slug: 'imported-speaker' });
    await f.actor({ kind: 'state', name: 'Importland', slug: 'importland' });
    await f.proposal({ title: 'Import target', slug: 'import-target', proposers: [{ actor: 'importland' }] });
    await f.proposal({ title: 'Second target', slug: 'second-target', proposers: [{ actor: 'importland' }] });
  });
  afterAll(async () => {
    await t.close();
  });

  const tricky = 'First, "a corridor";\nthen, a charter';
  const csv = [
    HEADER,
    'imported-speaker,Envoy,2025-03-01,,,Plain words one,,import-target:supports,https://example.org/one,',
    `imported-speaker,,2025-03,inferred,the month of the visit,"${tricky.replaceAll('"', '""')}",,import-target:opposes; second-target:neutral,,TASS`,
    'importland,,2024,,,,A summary only,second-target:supports,,BelTA',
  ].join('\r\n');

  it('writes every row through POST /statements, each with its audit entry and change, tagged with the import', async () => {
    const before = await statementCount();
    // A BOM, as spreadsheet programs write one.
    const response = await send(`\uFEFF${csv}\r\n`);
    expect(response.status).toBe(200);
    const report = response.body as Report;
    expect(report).toMatchObject({
      kind: 'statements',
      dryRun: false,
      totals: { rows: 3, created: 3, unchanged: 0, errors: 0 },
    });
    expect(report.rows.map((row) => [row.row, row.status])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'created'],
    ]);
    expect(await statementCount()).toBe(before + 3);
    const second = await t.http.get(`/api/v1/statements/${report.rows[1].id}`).set(...staff);
    expect(second.body).toMatchObject({
      quote: tricky,
      saidOn: '2025-03',
      saidOnCertainty: 'inferred',
      saidOnBasis: 'the month of the visit',
      speaker: { slug: 'imported-speaker' },
      source: { publisher: 'TASS' },
      proposals: [
        { slug: 'import-target', stance: 'opposes' },
        { slug: 'second-target', stance: 'neutral' },
      ],
    });
    const tag = `import:${report.id}`;
    const audited = await t.dataSource.query(
      `SELECT entity_id FROM audit_log WHERE entity_type = 'statement' AND action = 'create' AND request_id = $1 ORDER BY entity_id`,
      [tag],
    );
    expect(audited.map((row: { entity_id: string }) => row.entity_id)).toEqual(report.rows.map((row) => row.id).sort());
    const changes = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM changes WHERE type = 'statement.recorded' AND request_id = $1`,
      [tag],
    );
    expect(changes[0].n).toBe(3);
  });

  it('creates nothing when the same file, or its own export, is imported again', async () => {
    const before = await statementCount();
    const again = await send(csv);
    expect(again.status).toBe(200);
    expect((again.body as Report).totals).toEqual({ rows: 3, created: 0, unchanged: 3, errors: 0 });
    // What the export writes, the import takes: every exported statement is already here.
    const exported = await t.http.get('/api/v1/export/statements.csv?proposal=second-target').set(...staff);
    expect(exported.status).toBe(200);
    const reimport = await send(exported.text);
    expect(reimport.status).toBe(200);
    expect((reimport.body as Report).totals).toMatchObject({ created: 0, unchanged: 2, errors: 0 });
    expect(await statementCount()).toBe(before);
  });

  it('writes nothing when one row is in error, and reports each row (422)', async () => {
    const before = await statementCount();
    const rows = Array.from(
      { length: 200 },
      (_, i) =>
        `imported-speaker,,2025-04-01,,,Batch words ${i},,import-target:supports,https://example.org/batch/${i},`,
    );
    const response = await send(
      [HEADER, ...rows, 'nobody-at-all,,2025-04-02,,,Last words,,import-target:supports,,TASS'].join('\n'),
    );
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('urn:ppt:problem:unprocessable');
    const report = response.body.report as Report;
    expect(report.totals).toEqual({ rows: 201, created: 200, unchanged: 0, errors: 1 });
    expect(report.rows[200]).toMatchObject({ row: 201, status: 'error', errors: [{ field: 'speaker' }] });
    expect(response.body.errors[0].field).toBe('row 201.speaker');
    expect(await statementCount()).toBe(before);
  });

  it('goes through the whole file on a dry run, reports, and writes nothing', async () => {
    const before = await statementCount();
    const file = [HEADER, 'imported-speaker,,2025-05-01,,,Dry words,,import-target:supports,,TASS', 'x,,,,,,,,,'].join(
      '\n',
    );
    const response = await send(file, 'text/csv', '&dryRun=true');
    expect(response.status).toBe(200);
    const report = response.body as Report;
    expect(report).toMatchObject({ dryRun: true, totals: { rows: 2, created: 1, errors: 1 } });
    expect(report.rows[0].id).toBeUndefined();
    expect(report.rows[1].errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['saidOn']));
    expect(await statementCount()).toBe(before);
  });

  it('takes JSON Lines, each line a POST /statements body', async () => {
    const line = (i: number) =>
      JSON.stringify({
        speaker: 'imported-speaker',
        saidOn: { value: '2025-06', certainty: 'approximate', basis: 'early summer' },
        quote: `Lines ${i}`,
        source: { url: `https://example.org/lines/${i}` },
        proposals: [{ slug: 'import-target', stance: 'supports' }],
      });
    const response = await send(`${line(1)}\n\n${line(2)}\n`, 'application/x-ndjson');
    expect(response.status).toBe(200);
    expect((response.body as Report).rows.map((row) => [row.row, row.status])).toEqual([
      [1, 'created'],
      [3, 'created'],
    ]);
    const broken = await send(`${line(3)}\n{"speaker": \n`, 'application/x-ndjson');
    expect(broken.status).toBe(422);
    expect((broken.body.report as Report).rows[1]).toMatchObject({ row: 2, status: 'error' });
  });

  it('refuses, with a 400 saying why, a file it cannot read as one', async () => {
    const before = await statementCount();
    const cases: [string, string | Buffer, RegExp][] = [
      [
        'an unknown column',
        `${HEADER},mood\r\nimported-speaker,,2025,,,w,,import-target:supports,,TASS,happy`,
        /unknown column: mood/,
      ],
      ['a missing column', 'speaker,quote\r\nimported-speaker,words', /missing columns: saidOn, proposals/],
      [
        'a stray quote',
        `${HEADER}\r\nimported-speaker,,2025,,,"words" here,,import-target:supports,,TASS`,
        /not valid CSV \(line 2\)/,
      ],
      [
        'another encoding',
        Buffer.from(`${HEADER}\r\nimported-speaker,,2025,,,Caf\xe9,,import-target:supports,,TASS`, 'latin1'),
        /not UTF-8/,
      ],
      ['an empty file', '', /the file is empty/],
      ['a header and no rows', `${HEADER}\r\n`, /no rows/],
      [
        '10 MB in one field',
        `${HEADER}\r\nimported-speaker,,2025,,,"${'x'.repeat(10 * 1024 * 1024)}",,import-target:supports,,TASS`,
        /not valid CSV/,
      ],
    ];
    for (const [what, body, message] of cases) {
      const response = await send(body);
      expect({ what, status: response.status }).toEqual({ what, status: 400 });
      expect({ what, detail: String(response.body.detail) }).toEqual({ what, detail: expect.stringMatching(message) });
    }
    const huge = await send(Buffer.alloc(51 * 1024 * 1024, 'a'));
    expect(huge.status).toBe(413);
    expect(await statementCount()).toBe(before);
  });

  it('gives the template: the header line of the columns it takes', async () => {
    const response = await t.http.get('/api/v1/imports/templates/statements.csv').set(...staff);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.text).toBe(`${STATEMENT_ROW_COLUMNS.join(',')}\r\n`);
    const analyst = await t.tokenFor('analyst');
    const refused = await t.http
      .post('/api/v1/imports?kind=statements')
      .set(...bearer(analyst))
      .set('content-type', 'text/csv')
      .send(csv);
    expect(refused.status).toBe(403);
  });
});
