import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { PROPOSAL_CSV_COLUMNS } from '../../src/modules/bulk/csv-exports.js';
import { SeedingService } from '../../src/modules/seeding/seeding.service.js';
import { factories } from '../factories/factories.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);
const PROPOSAL_HEADER = PROPOSAL_CSV_COLUMNS.join(',');
const admin = bearer(ADMIN_TOKEN);

/** GET `/api/v1${path}` as the admin: its body. */
async function get(t: TestApp, path: string): Promise<unknown> {
  const response = await t.http.get(`/api/v1${path}`).set(...admin);
  if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
  return response.headers['content-type']?.startsWith('text/csv') ? response.text : response.body;
}

/** Every page of a list, followed by its cursor. */
async function all(t: TestApp, path: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = (await get(
      t,
      `${path}${separator}limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    )) as { data: unknown[]; page: { nextCursor: string | null } };
    rows.push(...page.data);
    cursor = page.page.nextCursor;
  } while (cursor !== null);
  return rows;
}

/** What the API answers about everything in a database: the GETs a restore must answer alike. */
async function answers(t: TestApp): Promise<Record<string, unknown>> {
  const proposals = (await all(t, '/proposals?includeDuplicates=true')) as { slug: string }[];
  const actors = (await all(t, '/actors')) as { slug: string }[];
  const statements = await all(t, '/statements?includeRetracted=true');
  const sources = (await all(t, '/sources')) as { id: string }[];
  const result: Record<string, unknown> = {
    proposals,
    actors,
    statements,
    sources,
    events: await all(t, '/events'),
    progress: await get(t, '/reports/progress?asOf=2026-06-30'),
    progressCsv: await get(t, '/reports/progress?asOf=2025-12-31&format=csv'),
    positions: await get(t, '/reports/positions?asOf=2026-06-30'),
    asOf: await all(t, '/proposals?asOf=2024-06-30'),
    search: await all(t, '/proposals?q=security'),
  };
  for (const { slug } of proposals) {
    for (const part of ['', '/timeline', '/transitions', '/positions', '/participation', '/status?asOf=2024-01-01']) {
      result[`/proposals/${slug}${part}`] = await get(t, `/proposals/${slug}${part}`);
    }
  }
  for (const { slug } of actors) result[`/actors/${slug}`] = await get(t, `/actors/${slug}`);
  for (const { id } of sources) result[`/sources/${id}`] = await get(t, `/sources/${id}`);
  return result;
}

const exportOf = async (t: TestApp): Promise<Buffer> => {
  const response = await t.http
    .get('/api/v1/export')
    .set(...admin)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
  expect(response.headers['content-encoding']).toBe('gzip');
  // supertest has unzipped it, as a browser or curl --compressed would: the gzip file again.
  return gzipSync(response.body as Buffer);
};

const lines = (gzipped: Buffer): Record<string, unknown>[] =>
  gunzipSync(gzipped)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const restore = (t: TestApp, body: Buffer | string, type = 'application/gzip', query = '') =>
  t.http
    .post(`/api/v1/imports?kind=dump${query}`)
    .set(...admin)
    .set('content-type', type)
    .send(body);

describe('the whole tracker exported, and restored into an empty database', () => {
  let source: TestApp;
  let dump: Buffer;
  const opened: TestApp[] = [];
  const fresh = async (): Promise<TestApp> => {
    const app = await startTestApp();
    opened.push(app);
    return app;
  };

  beforeAll(async () => {
    source = await startTestApp();
    await source.app.get(SeedingService).load();
    // Records of every kind, retracted and withdrawn ones among them.
    const f = factories(source.http, ADMIN_TOKEN);
    const post = async (url: string, body: Record<string, unknown>, status = 201) => {
      const response = await source.http
        .post(`/api/v1${url}`)
        .set(...admin)
        .send(body);
      if (response.status !== status) throw new Error(`POST ${url} → ${response.status}: ${response.text}`);
      return response.body as { id: string };
    };
    const organizer = await f.actor({ name: 'Roundtable host' });
    await f.event({ name: 'Export roundtable', organizers: [organizer.slug] });
    const proposal = await f.proposal({
      title: 'Exported corridor',
      tags: ['export'],
      related: [{ proposal: 'eurasian-charter' }],
    });
    const moved = await f.transition(proposal.slug, { to: 'under_discussion', occurredOn: '2024-03-01' });
    await post(`/proposals/${proposal.slug}/transitions/${moved.id}/retract`, { reason: 'wrong date' }, 200);
    const said = await f.statement({ proposals: [{ slug: proposal.slug, stance: 'opposes' }] });
    await post(`/statements/${said.id}/retract`, { reason: 'misattributed' }, 200);
    await f.statement({ proposals: [{ slug: proposal.slug, stance: 'supports' }], speaker: 'kazakhstan' });
    const act = await post(`/proposals/${proposal.slug}/participation`, {
      actor: 'kazakhstan',
      action: 'endorsed',
      occurredOn: { value: '2024-04', certainty: 'inferred', basis: 'the month of the summit' },
      sources: [{ publisher: 'Kazinform' }],
    });
    await post(`/proposals/${proposal.slug}/participation/${act.id}/retract`, { reason: 'not yet' }, 200);
    const assessed = await post(`/proposals/${proposal.slug}/assessments`, { momentum: 'stalled', reason: 'quiet' });
    await post(`/proposals/${proposal.slug}/assessments/${assessed.id}/withdraw`, { reason: 'moved again' }, 200);
    const twin = await f.proposal({ title: 'Exported corridor twin', confirmNew: true });
    await post(`/proposals/${twin.slug}/mark-duplicate`, { of: proposal.slug, reason: 'same thing' }, 200);
    const merged = await f.actor({ name: 'Short-lived forum' });
    await post(`/actors/${merged.slug}/merge`, { into: organizer.slug, reason: 'one forum' }, 200);
    dump = await exportOf(source);
  });
  /**
   * What `source` answered, as a restore into `target` must answer it: the admin restoring is the
   * dump's admin now (matched by name), with the same name and its own id.
   */
  const asRestoredIn = async <T>(target: TestApp, answered: T): Promise<T> => {
    const adminId = async (t: TestApp) => ((await get(t, '/me')) as { user: { id: string } }).user.id;
    const [from, to] = [await adminId(source), await adminId(target)];
    return JSON.parse(JSON.stringify(answered).replaceAll(from, to)) as T;
  };
  afterAll(async () => {
    for (const app of opened) await app.close();
    await source.close();
  });

  it('opens with a manifest whose counts are the lines that follow, and holds no secret', () => {
    const [manifest, ...records] = lines(dump);
    expect(manifest).toMatchObject({ type: 'manifest', version: 1, exportedAt: expect.any(String) });
    const counted: Record<string, number> = {};
    for (const record of records) counted[String(record.type)] = (counted[String(record.type)] ?? 0) + 1;
    expect(manifest.counts).toEqual(expect.objectContaining(counted));
    for (const type of ['user', 'actor', 'actorMerge', 'event', 'source', 'proposal', 'transition', 'statement']) {
      expect({ type, some: (counted[type] ?? 0) > 0 }).toEqual({ type, some: true });
    }
    expect(counted.participation).toBeGreaterThan(0);
    expect(counted.assessment).toBeGreaterThan(0);
    // Users by id and name only; no token, hash or secret anywhere.
    for (const user of records.filter((record) => record.type === 'user')) {
      expect(Object.keys(user).sort()).toEqual(['id', 'name', 'type']);
    }
    const text = gunzipSync(dump).toString('utf8');
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toMatch(/token_hash|tokenHash|feedKey|whsec_|"secret"/);
    // Retracted and withdrawn records are there, flagged, with who and why.
    expect(records.some((r) => r.type === 'transition' && r.retractionReason === 'wrong date')).toBe(true);
    expect(records.some((r) => r.type === 'statement' && r.retractionReason === 'misattributed')).toBe(true);
    expect(records.some((r) => r.type === 'assessment' && r.withdrawalReason === 'moved again')).toBe(true);
  });

  it('restored over HTTP, answers every GET exactly as the database exported', async () => {
    const target = await fresh();
    const restored = await restore(target, dump);
    expect(restored.status).toBe(200);
    const [manifest] = lines(dump);
    expect(restored.body).toMatchObject({
      kind: 'dump',
      dryRun: false,
      counts: expect.objectContaining({ proposal: (manifest.counts as Record<string, number>).proposal }),
      usersMatched: ['admin'],
    });
    expect(await answers(target)).toEqual(await asRestoredIn(target, await answers(source)));
  });

  it('restored from the command line (npm run restore), answers alike', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'ppt-restore-'));
    const database = await createTestDatabase();
    try {
      const file = path.join(directory, 'export.jsonl');
      // Not gzipped, to show the command takes either.
      await writeFile(file, gunzipSync(dump));
      const { stdout } = await run(process.execPath, ['dist/src/restore.js', file], {
        env: { ...process.env, DATABASE_URL: database.url, ADMIN_TOKEN, NODE_OPTIONS: '' },
      });
      expect(stdout).toMatch(/restore done in/);
      const target = await startTestApp({ databaseUrl: database.url });
      opened.push(target);
      const actors = await all(target, '/actors');
      expect(actors).toEqual(await asRestoredIn(target, await all(source, '/actors')));
      // A second restore into what is no longer empty is refused, and changes nothing.
      const again = await run(process.execPath, ['dist/src/restore.js', file], {
        env: { ...process.env, DATABASE_URL: database.url, ADMIN_TOKEN, NODE_OPTIONS: '' },
      }).catch((error: { code: number; stderr: string }) => error);
      expect(again).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^restore refused: the database already holds records/),
      });
      expect(await all(target, '/actors')).toEqual(actors);
    } finally {
      await rm(directory, { recursive: true, force: true });
      await database.drop();
    }
  }, 60_000);

  it('refuses a database that holds records (409), and writes nothing', async () => {
    const response = await restore(source, dump);
    expect(response.status).toBe(409);
    expect(response.body.detail).toMatch(/already holds records/);
  });

  it('refuses a damaged file with a 400 naming the line, and writes nothing of it', async () => {
    const target = await fresh();
    const text = gunzipSync(dump).toString('utf8').split('\n');
    const cases: [string, string, RegExp][] = [
      ['cut short', text.slice(0, -10).join('\n'), /the manifest counts \d+ \w+ lines, the file holds/],
      [
        'not JSON',
        [...text.slice(0, 5), '{"type": "actor", ', ...text.slice(5)].join('\n'),
        /^line 6: not a JSON object/,
      ],
      ['no manifest', text.slice(1).join('\n'), /^line 1: the first line must be the manifest/],
      [
        'another version',
        [text[0].replace('"version" : 1', '"version" : 9'), ...text.slice(1)].join('\n'),
        /version 9/,
      ],
      ['out of order', [text[0], ...text.slice(1).reverse()].join('\n'), /parts come in the export's order/],
      [
        'a reference to nothing',
        text
          .map((line) => line.replace(/"speakerId" : "[^"]+"/, '"speakerId" : "00000000-0000-4000-8000-000000000000"'))
          .join('\n'),
        /statement records\).*violates foreign key constraint/,
      ],
      ['empty', '', /the file is empty/],
    ];
    for (const [what, body, message] of cases) {
      const response = await restore(target, gzipSync(body));
      expect({ what, status: response.status, type: response.body.type }).toEqual({
        what,
        status: 400,
        type: 'urn:ppt:problem:validation_failed',
      });
      expect({ what, detail: String(response.body.detail) }).toEqual({ what, detail: expect.stringMatching(message) });
    }
    expect(await all(target, '/actors')).toEqual([]);
    // A dry run checks the whole file and writes nothing; the file itself then loads.
    const dry = await restore(target, gunzipSync(dump).toString('utf8'), 'application/x-ndjson', '&dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, totals: { created: 0, errors: 0 } });
    expect(await all(target, '/actors')).toEqual([]);
    expect((await restore(target, dump)).status).toBe(200);
  });

  it('takes an export only from an admin, a known kind, and its own media types', async () => {
    const staff = await source.tokenFor('staff');
    const asStaff = await source.http
      .post('/api/v1/imports?kind=dump')
      .set(...bearer(staff))
      .set('content-type', 'application/gzip')
      .send(dump);
    expect(asStaff.status).toBe(403);
    const kind = await source.http
      .post('/api/v1/imports?kind=everything')
      .set(...admin)
      .set('content-type', 'application/gzip')
      .send(dump);
    expect(kind.status).toBe(400);
    const elsewhere = await source.http
      .post('/api/v1/statements')
      .set(...admin)
      .set('content-type', 'application/x-ndjson')
      .send('{}');
    expect(elsewhere.status).toBe(415);
    const analyst = await source.tokenFor('analyst');
    expect((await source.http.get('/api/v1/export').set(...bearer(analyst))).status).toBe(200);
    expect((await source.http.get('/api/v1/export')).status).toBe(401);
  });

  describe('the lists as CSV files', () => {
    const csvOf = async (path: string) => {
      const response = await source.http.get(`/api/v1/export/${path}`).set(...admin);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="[a-z]+-\d{4}-\d{2}-\d{2}\.csv"$/);
      const text = response.text;
      // RFC 4180: CRLF after every record, the header line first.
      expect(text.endsWith('\r\n')).toBe(true);
      return parse<Record<string, string>>(text, { columns: true, relax_quotes: false });
    };

    it('gives every statement the list gives, with the same filters, quotes and line breaks intact', async () => {
      const tricky = 'He said: "first, a corridor;\nthen, a charter" — and left.';
      await factories(source.http, ADMIN_TOKEN).statement({
        quote: tricky,
        proposals: [{ slug: 'eurasian-charter', stance: 'supports' }],
        speaker: 'belarus',
      });
      const listed = (await all(source, '/statements?proposal=eurasian-charter&includeRetracted=true')) as {
        id: string;
        quote: string | null;
        saidOn: string;
        retracted: boolean;
        speaker: { slug: string };
      }[];
      const rows = await csvOf('statements.csv?proposal=eurasian-charter&includeRetracted=true');
      expect(rows.map((row) => row.id)).toEqual(listed.map((statement) => statement.id));
      for (const [i, row] of rows.entries()) {
        expect(row).toMatchObject({
          quote: listed[i].quote ?? '',
          saidOn: listed[i].saidOn,
          speaker: listed[i].speaker.slug,
          retracted: String(listed[i].retracted),
        });
        expect(row.proposals).toMatch(/(^|; )eurasian-charter:(supports|opposes|neutral)(;|$)/);
      }
      expect(rows.some((row) => row.quote === tricky)).toBe(true);
      const unfiltered = await csvOf('statements.csv');
      expect(unfiltered).toHaveLength((await all(source, '/statements')).length);
    });

    it('gives every proposal the list gives, as of a date too, and every transition of theirs', async () => {
      const listed = (await all(source, '/proposals?asOf=2025-06-30')) as { slug: string; status: string }[];
      const rows = await csvOf('proposals.csv?asOf=2025-06-30');
      expect(rows.map((row) => [row.slug, row.status])).toEqual(listed.map((p) => [p.slug, p.status]));
      const tagged = await csvOf('transitions.csv?tag=export');
      const history = (await get(source, '/proposals/exported-corridor/transitions')) as {
        data: { seq: number; to: string; retracted: boolean }[];
      };
      expect(tagged.map((row) => [row.proposal, Number(row.seq), row.to, row.retracted])).toEqual(
        history.data.map((t) => ['exported-corridor', t.seq, t.to, String(t.retracted)]),
      );
      expect(tagged.find((row) => row.retracted === 'true')?.retractionReason).toBe('wrong date');
    });

    it('answers a filter that matches nothing with the header line alone, as the list answers []', async () => {
      for (const path of ['statements.csv?proposal=no-such-proposal', 'proposals.csv?tag=no-such-tag']) {
        const response = await source.http.get(`/api/v1/export/${path}`).set(...admin);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        expect(response.text.split('\r\n').filter(Boolean)).toHaveLength(1);
      }
      const none = await source.http.get('/api/v1/export/proposals.csv?tag=no-such-tag').set(...admin);
      expect(none.text).toBe(`${PROPOSAL_HEADER}\r\n`);
    });

    it('refuses a filter the list refuses, and a limit or cursor (a file holds every page)', async () => {
      for (const path of ['statements.csv?stance=maybe', 'proposals.csv?limit=5', 'transitions.csv?cursor=x']) {
        const response = await source.http.get(`/api/v1/export/${path}`).set(...admin);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
      }
    });
  });
});
