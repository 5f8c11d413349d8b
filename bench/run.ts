import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import pg from 'pg';
import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { ACTIVE_STATUSES } from '../src/modules/proposals/workflow/statuses.js';
import type { CreateStatementDto } from '../src/modules/statements/dto/statements.dto.js';
import { BULK_POOL, connect, runMigrations } from '../src/common/database/data-source.js';
import { freePort, startEmbeddedPostgres } from '../src/common/database/embedded-postgres.js';
import { postgresCpuMs, processCpuMs } from './cpu.js';
import { type Flags, type FlagSpec, runCommand } from './flags.js';
import { BUSY_ACTOR, generate, type GenerateReport, SIZE_FLAGS, sizeOf, type SyntheticSize } from './generate.js';
import { type Measurement, perRequestMs, postgresPerRequestMs } from './measurement.js';
import { type BulkFigures, measureBulk } from './bulk.js';
import { type DeliveryFigures, measureDeliveries } from './deliveries.js';
import { positionsReportAlone, statementsAlone } from './sql-alone.js';

/**
 * `npm run bench -- [--quick] [--proposals N] … [--scaling]` (`--help` lists every flag): generates
 * a database, starts the service and the bare floor server side by side on it, and measures each
 * scenario on both, alternating, in one run. With `--scaling`, the report and by-slug latency are
 * first measured on smaller databases (10k, 30k) too, to show how their cost grows with the data.
 */
interface Options {
  quick: boolean;
  size: SyntheticSize;
  duration: number;
  connections: number;
  rounds: number;
  reportRuns: number;
  scaling: boolean;
}

const FLAGS: FlagSpec = {
  quick: { kind: 'switch', help: 'the smoke check: 10k proposals, 3 s per run, one round (about a minute)' },
  ...SIZE_FLAGS,
  duration: { kind: 'count', value: 'S', help: 'seconds per load run (default 10; 3 with --quick)' },
  connections: { kind: 'count', value: 'C', help: 'connections per load run (default 10)' },
  rounds: {
    kind: 'count',
    value: 'R',
    help: 'alternations of service and floor per scenario (default 3; 1 with --quick)',
  },
  'report-runs': { kind: 'count', help: 'reports timed each way (default 11; 5 with --quick)' },
  scaling: { kind: 'switch', help: 'first measure the report and by-slug latency at 10k and 30k too' },
};

function options({ counts, switches }: Flags): Options {
  const quick = switches.quick;
  return {
    quick,
    size: sizeOf(counts, quick ? 10_000 : 100_000),
    duration: counts.duration ?? (quick ? 3 : 10),
    connections: counts.connections ?? 10,
    rounds: counts.rounds ?? (quick ? 1 : 3),
    reportRuns: counts['report-runs'] ?? (quick ? 5 : 11),
    scaling: switches.scaling,
  };
}

const ADMIN_TOKEN = 'ppt_bench_admin_token_00000000000000000000';
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const today = new Date().toISOString().slice(0, 10);

interface Database {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh database: on DATABASE_URL's server when set, else an embedded cluster of its own. */
async function freshDatabase(): Promise<Database> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `ppt_bench_${Date.now().toString(36)}`;
    const admin = new URL(server);
    admin.pathname = '/postgres';
    const run = async (sql: string) => {
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await run(`CREATE DATABASE ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppt-bench-'));
  const embedded = await startEmbeddedPostgres(dir);
  return {
    url: embedded.url,
    drop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface Server {
  name: 'service' | 'floor';
  base: string;
  child: ChildProcess;
}

/** The Node flags `npm start` runs the service with: the bench measures the service as it is run. */
async function startFlags(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

async function startServer(name: Server['name'], script: string, databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const flags = name === 'service' ? await startFlags() : [];
  const child = spawn(process.execPath, [...flags, script], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      ADMIN_TOKEN,
      SESSION_SECRET: 'ppt-bench-session-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
      SEED_ON_EMPTY: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      FAILED_AUTH_PER_MINUTE: '1000000',
      DB_POOL_SIZE: '10',
      // The bench's webhook receiver listens on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${name} exited while starting`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, base, child };
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** The resident set of a process, from /proc (MiB); 0 where /proc is not there. */
async function rssMiB(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function load(
  server: Server,
  o: Options,
  request: () => { method?: 'GET' | 'POST'; path: string; body?: unknown },
  connections = o.connections,
): Promise<Measurement> {
  const pid = server.child.pid ?? 0;
  const [serverBefore, postgresBefore] = await Promise.all([processCpuMs(pid), postgresCpuMs()]);
  const result = await autocannon({
    url: server.base,
    connections,
    duration: o.duration,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const next = request();
          return {
            ...req,
            method: next.method ?? 'GET',
            path: next.path,
            body: next.body === undefined ? undefined : JSON.stringify(next.body),
          };
        },
      },
    ],
  });
  const [serverAfter, postgresAfter] = await Promise.all([processCpuMs(pid), postgresCpuMs()]);
  const requests = result.requests.total;
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests,
    cpuMsPerRequest:
      serverBefore === undefined || serverAfter === undefined
        ? undefined
        : {
            server: perRequestMs(serverAfter - serverBefore, requests),
            postgres: postgresPerRequestMs(postgresBefore, postgresAfter, requests),
          },
  };
}

/** The pages' figures (contract §9): throughput and times beside the JSON they are built on, and sizes. */
interface PageFigures {
  board: { page: Measurement; json: Measurement; ratio: number };
  proposal: { pageMs: number; jsonMs: number; timelineMs: number; ratio: number };
  sizes: { path: string; bytes: number }[];
  progressMs: number;
}

/**
 * The board beside the JSON list of its first 50, taking turns (each one's best run); a proposal's
 * page beside its JSON plus its timeline, one request after another; each page's size in bytes,
 * unzipped; and the progress page's time (36 month-end reports: computed once, then kept).
 */
async function measurePages(service: Server, o: Options, slug: () => string): Promise<PageFigures> {
  const runs = { page: [] as Measurement[], json: [] as Measurement[] };
  const turns = [
    async () => void runs.page.push(await load(service, o, () => ({ path: '/' }))),
    async () => void runs.json.push(await load(service, o, () => ({ path: '/api/v1/proposals?limit=50' }))),
  ];
  for (let round = 0; round < o.rounds; round += 1) {
    for (const turn of round % 2 === 0 ? turns : [...turns].reverse()) await turn();
  }
  const best = (list: Measurement[]) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const board = { page: best(runs.page), json: best(runs.json), ratio: 0 };
  board.ratio = Math.round((board.page.rps / board.json.rps) * 100) / 100;
  const pageMs = await oneAfterAnotherMs(service, () => `/proposals/${slug()}`, PAGE_SEQUENTIAL_RUNS);
  const jsonMs = await oneAfterAnotherMs(service, () => `/api/v1/proposals/${slug()}`, PAGE_SEQUENTIAL_RUNS);
  const timelineMs = await oneAfterAnotherMs(
    service,
    () => `/api/v1/proposals/${slug()}/timeline`,
    PAGE_SEQUENTIAL_RUNS,
  );
  const ratio = Math.round(((jsonMs + timelineMs) / pageMs) * 100) / 100;
  const started = performance.now();
  await viaFetch(`${service.base}/reports/progress`);
  const progressMs = Math.round(performance.now() - started);
  const sizes: { path: string; bytes: number }[] = [];
  for (const path of ['/', `/proposals/${BUSY_PROPOSAL}`, '/log', '/reports/progress', '/changes']) {
    const answer = await fetch(`${service.base}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (answer.status !== 200) throw new Error(`${path} → ${answer.status}`);
    sizes.push({ path, bytes: (await answer.arrayBuffer()).byteLength });
  }
  return { board, proposal: { pageMs, jsonMs, timelineMs, ratio }, sizes, progressMs };
}

/** Statements imported from one CSV file (a body well under the 5 MiB of a request). */
const IMPORT_ROWS = 5000;
const IMPORT_ROWS_QUICK = 1000;

/** Requests for a page and for what it is built on, one after another, each. */
const PAGE_SEQUENTIAL_RUNS = 200;
/** A proposal with many records (the generator's first): its page is among the largest. */
const BUSY_PROPOSAL = 'proposal-0';

function sizesText(sizes: { path: string; bytes: number }[]): string {
  return sizes.map(({ path, bytes }) => `${path} ${Math.round(bytes / 1024)} KB`).join(', ');
}

/** A GET through `fetch`, as a client does: it asks for gzip and unzips. Gives the status. */
async function viaFetch(url: string): Promise<number> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  await response.arrayBuffer();
  return response.status;
}

/**
 * A GET asking for gzip whose body is unzipped with zlib as it comes and dropped, timed to the last
 * byte unzipped: a client's unzipping without `fetch`'s web streams around it. Gives the status;
 * 0 if the body came unzipped (so the figure would not be what it says).
 */
function unzippedToLastByte(): (url: string) => Promise<number> {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'accept-encoding': 'gzip' };
  return (url) =>
    new Promise((resolve, reject) => {
      http
        .get(url, { headers }, (response) => {
          response.once('error', reject);
          if (response.headers['content-encoding'] !== 'gzip') {
            response.resume();
            response.once('end', () => resolve(0));
            return;
          }
          const gunzip = zlib.createGunzip();
          gunzip.once('error', reject);
          gunzip.once('end', () => resolve(response.statusCode ?? 0));
          response.pipe(gunzip).resume();
        })
        .once('error', reject);
    });
}

/**
 * A GET whose body is read as it comes and dropped, timed to its last byte as autocannon times
 * every other scenario: the server's time, without the client's unzipping. With `gzip`, it asks
 * for gzip and leaves the body zipped; without, it asks for no encoding. Gives the status.
 */
function toLastByte(gzip: boolean, agent?: http.Agent): (url: string) => Promise<number> {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) };
  return (url) =>
    new Promise((resolve, reject) => {
      http
        .get(url, { headers, agent }, (response) => {
          response.once('error', reject);
          response.once('end', () => resolve(response.statusCode ?? 0));
          response.resume();
        })
        .once('error', reject);
    });
}

/**
 * The median time of `runs` requests one after another (`pathOf` the run's number), each after
 * `before` (untimed) when given, each made by `get` (by default through `fetch`).
 */
async function sequentialMs(
  server: Server,
  pathOf: (run: number) => string,
  runs: number,
  before?: () => Promise<unknown>,
  get: (url: string) => Promise<number> = viaFetch,
  decimals = 1,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    await before?.();
    const pathAndQuery = pathOf(i);
    const started = performance.now();
    const status = await get(`${server.base}${pathAndQuery}`);
    if (status !== 200) throw new Error(`${server.name} ${pathAndQuery} → ${status}`);
    times.push(performance.now() - started);
  }
  return Math.round(median(times) * 10 ** decimals) / 10 ** decimals;
}

/** Requests for GET by slug one after another: enough for a median to a hundredth of a ms. */
const BY_SLUG_SEQUENTIAL_RUNS = 500;

/**
 * The median time of GET by slug (random proposals), one request after another after 50 untimed,
 * to the last byte and to a hundredth of a millisecond: autocannon gives whole milliseconds, too
 * coarse to tell whether 100k proposals cost 1.2 times what 10k do when a request takes one.
 */
async function bySlugMedianMs(server: Server, proposals: number): Promise<number> {
  return oneAfterAnotherMs(server, () => bySlugPath(proposals), BY_SLUG_SEQUENTIAL_RUNS);
}

/** The median time of `runs` GETs of `path` one after another on one kept-alive connection, after 50 untimed. */
async function oneAfterAnotherMs(server: Server, path: () => string, runs: number): Promise<number> {
  // One connection kept open, as autocannon's: a connection per request would time its setup too.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await sequentialMs(server, path, Math.min(50, runs), undefined, toLastByte(false, agent));
    return await sequentialMs(server, path, runs, undefined, toLastByte(false, agent), 2);
  } finally {
    agent.destroy();
  }
}

/**
 * The progress report as the bench asks for it. The service keeps a report sent in full, and
 * answers it again from that copy: as it is while nothing has been written, brought up to date
 * when few proposals have changed since. To time it computed, each run asks a report not asked
 * before (another window length, as the floor is asked too).
 */
const reportPath = (windowDays = 365): string => `/api/v1/reports/progress?asOf=${today}&windowDays=${windowDays}`;
/** Window lengths for computed runs, each used once per server: 300 days and down. */
let unaskedWindow = 300;
const unaskedReport = (): string => reportPath((unaskedWindow -= 1));

/** The report's median and by-slug latency on a database of one size: how cost grows with data. */
interface ScalingPoint {
  proposals: number;
  /** Computed: each run a report not asked before, so none is answered from a kept copy. */
  reportMedianMs: number;
  /** Repeated with nothing written in between: answered from the copy kept by the first. */
  reportRepeatedMedianMs: number;
  bySlugC1P50: number;
  /** GET by slug one request after another, median ms to the last byte (see {@link bySlugMedianMs}). */
  bySlugMedianMs: number;
}

/** Smaller sizes measured with `--scaling`, each on a database of its own, the service alone. */
const SCALING_SIZES = [10_000, 30_000];

/** The slug of one of the generated proposals, at random. */
const randomSlug = (proposals: number): string => `proposal-${Math.floor(Math.random() * proposals)}`;

/** The path of GET by slug for one of the generated proposals, at random. */
const bySlugPath = (proposals: number): string => `/api/v1/proposals/${randomSlug(proposals)}`;

/** A fresh database, migrated and filled with synthetic data of `size`, and a connection to it. */
async function generatedDatabase(
  size: SyntheticSize,
  label = '',
): Promise<{ database: Database; db: DataSource; generated: GenerateReport }> {
  const database = await freshDatabase();
  try {
    const db = await connect(database.url, BULK_POOL);
    await runMigrations(db);
    const generated = await generate(db, size, (line) => process.stdout.write(`\r${label}${line.padEnd(100)}`));
    log('');
    return { database, db, generated };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * The report and GET by slug on a database of `proposals`, the service alone. The database is kept
 * (the caller drops it), so that by-slug latency can be measured again beside the full size's.
 */
async function scalingPoint(o: Options, proposals: number): Promise<{ point: ScalingPoint; database: Database }> {
  const { database, db } = await generatedDatabase(sizeOf({}, proposals), `${proposals}: `);
  let service: Server | undefined;
  let kept = false;
  try {
    service = await startServer('service', path.resolve('dist/src/main.js'), database.url);
    // Warm, as the main run's report is (it comes after the read scenarios there).
    await sequentialMs(service, unaskedReport, 2);
    const point = {
      proposals,
      reportMedianMs: await sequentialMs(service, unaskedReport, o.reportRuns),
      reportRepeatedMedianMs: await sequentialMs(service, () => reportPath(), o.reportRuns),
      bySlugC1P50: (await load(service, o, () => ({ path: bySlugPath(proposals) }), 1)).p50,
      bySlugMedianMs: await bySlugMedianMs(service, proposals),
    };
    log(
      `scaling at ${proposals}: report ${point.reportMedianMs} ms computed, ${point.reportRepeatedMedianMs} ms ` +
        `repeated, by slug p50 ${point.bySlugC1P50} ms at c=1, median ${point.bySlugMedianMs} ms one after another`,
    );
    kept = true;
    return { point, database };
  } finally {
    if (service) await stop(service).catch(() => undefined);
    await db.destroy().catch(() => undefined);
    if (!kept) await database.drop();
  }
}

/** Rounds of GET by slug one after another on every size, and requests per size in each round. */
const INTERLEAVED_ROUNDS = 5;
const INTERLEAVED_RUNS = 100;
/** Rounds of the computed report on every size, and reports per size in each round. */
const REPORT_INTERLEAVED_ROUNDS = 3;
const REPORT_INTERLEAVED_RUNS = 3;

interface SizeServer {
  proposals: number;
  server: Server;
}

/** A size's figure from timing the sizes taking turns: the median of its rounds, in ms. */
interface SizeFigure {
  proposals: number;
  medianMs: number;
}

/**
 * A figure timed on a service per database size, the sizes taking turns: `rounds` rounds, each
 * timing every size once (the order reversed every other round), and each size's figure the median
 * of its rounds'. Measured apart, minutes away from each other, the sizes meet a machine busy in
 * different ways: side by side, a neighbour's load falls on all of them.
 */
async function takingTurns(
  sizes: SizeServer[],
  rounds: number,
  time: (size: SizeServer, index: number) => Promise<number>,
): Promise<SizeFigure[]> {
  const medians: number[][] = sizes.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    const order = [...sizes.keys()];
    if (round % 2 === 1) order.reverse();
    for (const i of order) medians[i].push(await time(sizes[i], i));
  }
  return sizes.map(({ proposals }, i) => ({ proposals, medianMs: median(medians[i]) }));
}

/**
 * GET by slug one after another on every size, taking turns (see {@link takingTurns}): each round
 * the median of {@link INTERLEAVED_RUNS} requests, after 50 untimed on each size.
 */
async function bySlugInterleaved(sizes: SizeServer[]): Promise<SizeFigure[]> {
  const agents = sizes.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    const path = (proposals: number) => (): string => bySlugPath(proposals);
    for (const [i, { proposals, server }] of sizes.entries()) {
      await sequentialMs(server, path(proposals), 50, undefined, toLastByte(false, agents[i]));
    }
    return await takingTurns(sizes, INTERLEAVED_ROUNDS, ({ proposals, server }, i) =>
      sequentialMs(server, path(proposals), INTERLEAVED_RUNS, undefined, toLastByte(false, agents[i]), 2),
    );
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

/**
 * The report computed (each a report not asked before, through `fetch`) on every size, taking turns
 * (see {@link takingTurns}): each round the median of {@link REPORT_INTERLEAVED_RUNS}. Whether its
 * time grows no faster than the data, without minutes of the machine's weather between the sizes.
 */
function reportInterleaved(sizes: SizeServer[]): Promise<SizeFigure[]> {
  return takingTurns(sizes, REPORT_INTERLEAVED_ROUNDS, ({ server }) =>
    sequentialMs(server, unaskedReport, REPORT_INTERLEAVED_RUNS),
  );
}

interface Row {
  scenario: string;
  service: Measurement;
  floor?: Measurement;
  ratio?: number;
  /** The floor's CPU per request over the service's, its server and PostgreSQL together. */
  cpuRatio?: number;
  /** Writes: the floor's SQL sent straight from a pool in the bench's process, no server between. */
  sqlAlone?: Measurement;
}

/** CPU per request of a run, server and PostgreSQL together (ms); undefined where not measured. */
const cpuInAll = (measurement: Measurement | undefined): number | undefined =>
  measurement?.cpuMsPerRequest === undefined
    ? undefined
    : measurement.cpuMsPerRequest.server + (measurement.cpuMsPerRequest.postgres ?? 0);

const cpuText = (measurement: Measurement | undefined): string =>
  measurement?.cpuMsPerRequest === undefined
    ? 'CPU not measured'
    : `CPU ${measurement.cpuMsPerRequest.server} ms/request` +
      (measurement.cpuMsPerRequest.postgres === undefined
        ? ''
        : ` + PostgreSQL ${measurement.cpuMsPerRequest.postgres}`);

async function main(flags: Flags): Promise<void> {
  const o = options(flags);
  const started = Date.now();
  log(
    `bench: ${o.size.proposals} proposals, ${o.size.statements} statements, ${o.size.transitions} transitions; ` +
      `${o.duration} s per run, ${o.connections} connections, ${o.rounds} round(s)`,
  );
  const scaling: ScalingPoint[] = [];
  const smaller: { proposals: number; database: Database }[] = [];
  try {
    if (o.scaling) {
      for (const proposals of SCALING_SIZES.filter((n) => n < o.size.proposals)) {
        const { point, database } = await scalingPoint(o, proposals);
        scaling.push(point);
        smaller.push({ proposals, database });
      }
    }
    await measureFullSize(o, started, scaling, smaller);
  } finally {
    for (const { database } of smaller) await database.drop().catch(() => undefined);
  }
}

/** The full size: its database generated, the service and the floor side by side, the results written. */
async function measureFullSize(
  o: Options,
  started: number,
  scaling: ScalingPoint[],
  smaller: { proposals: number; database: Database }[],
): Promise<void> {
  const { database, db, generated } = await generatedDatabase(o.size);
  const servers: Server[] = [];
  try {
    const active: { slug: string; status: string }[] = await db.query(
      `SELECT slug, status FROM proposals WHERE status = ANY($1) ORDER BY random()`,
      [ACTIVE_STATUSES],
    );
    const sources: { id: string }[] = await db.query(`SELECT id FROM sources ORDER BY random() LIMIT 1000`);
    await db.destroy();

    const service = await startServer('service', path.resolve('dist/src/main.js'), database.url);
    servers.push(service);
    const floor = await startServer('floor', path.resolve('dist/bench/floor.js'), database.url);
    servers.push(floor);
    const slug = () => randomSlug(o.size.proposals);
    const words = ['multilateral', 'security', 'energy corridor', 'cooperation', 'sovereignty'];

    const reads: [string, () => { path: string }][] = [
      ['GET a proposal by slug', () => ({ path: bySlugPath(o.size.proposals) })],
      ['GET the list (status filter, 50 rows)', () => ({ path: '/api/v1/proposals?status=drafting,adopted&limit=50' })],
      [
        'full-text search',
        () => ({ path: `/api/v1/proposals?q=${encodeURIComponent(words[Math.floor(Math.random() * words.length)])}` }),
      ],
      ['a timeline', () => ({ path: `/api/v1/proposals/${slug()}/timeline` })],
      [
        'GET the list as of a date (status filter, 50 rows)',
        () => ({ path: '/api/v1/proposals?status=drafting,adopted&asOf=2024-06-30&limit=50' }),
      ],
      [
        'GET a source with its citations',
        () => ({ path: `/api/v1/sources/${sources[Math.floor(Math.random() * sources.length)].id}` }),
      ],
      ['GET the change feed (a page of 100)', () => ({ path: '/api/v1/changes?limit=100' })],
      ["GET a proposal's positions", () => ({ path: `/api/v1/proposals/${slug()}/positions` })],
    ];
    const rows: Row[] = [];
    let peakRss = 0;
    const sampler = setInterval(() => {
      void rssMiB(service.child.pid ?? 0).then((rss) => (peakRss = Math.max(peakRss, rss)));
    }, 200);

    /**
     * One scenario on both servers (and, given `alone`, on the SQL alone), alternating which goes
     * first; each one's best run.
     */
    const sideBySide = async (
      scenario: string,
      request: Parameters<typeof load>[2],
      alone?: () => Promise<Measurement>,
    ): Promise<Row> => {
      const runs: Record<Server['name'], Measurement[]> = { service: [], floor: [] };
      const aloneRuns: Measurement[] = [];
      const turns = [
        async () => void runs.service.push(await load(service, o, request)),
        async () => void runs.floor.push(await load(floor, o, request)),
        ...(alone === undefined ? [] : [async () => void aloneRuns.push(await alone())]),
      ];
      for (let round = 0; round < o.rounds; round += 1) {
        // Alternate which goes first, so none always meets a warmer cache.
        for (const turn of round % 2 === 0 ? turns : [...turns].reverse()) await turn();
      }
      const best = (list: Measurement[]) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
      const row: Row = { scenario, service: best(runs.service), floor: best(runs.floor) };
      if (aloneRuns.length > 0) row.sqlAlone = best(aloneRuns);
      row.ratio = Math.round((row.service.rps / (row.floor as Measurement).rps) * 100) / 100;
      const [serviceCpu, floorCpu] = [cpuInAll(row.service), cpuInAll(row.floor)];
      if (serviceCpu !== undefined && floorCpu !== undefined && serviceCpu > 0) {
        row.cpuRatio = Math.round((floorCpu / serviceCpu) * 100) / 100;
      }
      rows.push(row);
      log(
        `${scenario}: service ${row.service.rps}/s (errors ${row.service.errors}; ${cpuText(row.service)}), ` +
          `floor ${row.floor?.rps}/s (errors ${row.floor?.errors}; ${cpuText(row.floor)}), ratio ${row.ratio}` +
          (row.cpuRatio === undefined ? '' : `, CPU ratio ${row.cpuRatio}`) +
          (row.sqlAlone === undefined
            ? ''
            : `; the SQL alone ${row.sqlAlone.rps}/s (errors ${row.sqlAlone.errors}; ${cpuText(row.sqlAlone)})`),
      );
      return row;
    };
    for (const [scenario, request] of reads) await sideBySide(scenario, request);

    const bySlugC1 = await load(service, o, reads[0][1], 1);
    const bySlugSequential = await bySlugMedianMs(service, o.size.proposals);
    log(`GET by slug at c=1: p50 ${bySlugC1.p50} ms; one after another, median ${bySlugSequential} ms`);
    let interleaved: SizeFigure[] | undefined;
    let reportTurns: SizeFigure[] | undefined;
    if (smaller.length > 0) {
      const sizes: SizeServer[] = [];
      for (const { proposals, database: kept } of smaller) {
        const server = await startServer('service', path.resolve('dist/src/main.js'), kept.url);
        servers.push(server);
        sizes.push({ proposals, server });
      }
      sizes.push({ proposals: o.size.proposals, server: service });
      // A service started now has compiled nothing yet, and its database's pages have left
      // PostgreSQL's cache for the full size's: each size first serves a run of load, as the full
      // size has served its scenarios.
      for (const { proposals, server } of sizes) {
        await load(server, o, () => ({ path: bySlugPath(proposals) }));
      }
      interleaved = await bySlugInterleaved(sizes);
      log(`GET by slug one after another, the sizes taking turns: ${interleavedText(interleaved)}`);
      reportTurns = await reportInterleaved(sizes);
      log(`progress report computed, the sizes taking turns: ${reportTurnsText(reportTurns)}`);
      for (const { server } of sizes.slice(0, -1)) {
        await stop(server);
        servers.splice(servers.indexOf(server), 1);
      }
    }
    // Computed: the service and the floor asked the same reports, none asked before.
    const firstWindow = unaskedWindow;
    const reportService = await sequentialMs(service, unaskedReport, o.reportRuns);
    unaskedWindow = firstWindow;
    const reportFloor = await sequentialMs(floor, unaskedReport, o.reportRuns);
    // After a write: one statement about a proposal posted (untimed) before each run.
    let written = 0;
    const writeStatement = async (): Promise<void> => {
      written += 1;
      const response = await fetch(`${service.base}/api/v1/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          speaker: 'actor-5',
          saidOn: today,
          quote: `Report benchmark statement ${written}.`,
          source: { url: `https://bench.example/report/${written}` },
          proposals: [{ slug: slug(), stance: 'supports' }],
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`POST /statements → ${response.status}`);
    };
    await sequentialMs(service, () => reportPath(), 1);
    const reportAfterWrite = await sequentialMs(service, () => reportPath(), o.reportRuns, writeStatement);
    const reportRepeated = await sequentialMs(service, () => reportPath(), o.reportRuns);
    // The same two timed to the last byte, as autocannon times the other scenarios: the gzip left
    // zipped, and the body asked for with no encoding (unzipped by the service).
    const reportAfterWriteZipped = await sequentialMs(
      service,
      () => reportPath(),
      o.reportRuns,
      writeStatement,
      toLastByte(true),
    );
    const reportRepeatedZipped = await sequentialMs(
      service,
      () => reportPath(),
      o.reportRuns,
      undefined,
      toLastByte(true),
    );
    const reportAfterWriteIdentity = await sequentialMs(
      service,
      () => reportPath(),
      o.reportRuns,
      writeStatement,
      toLastByte(false),
    );
    const reportAfterWriteUnzipped = await sequentialMs(
      service,
      () => reportPath(),
      o.reportRuns,
      writeStatement,
      unzippedToLastByte(),
    );
    log(
      `progress report: service ${reportService} ms computed, ${reportAfterWrite} ms after a write, ` +
        `${reportRepeated} ms repeated (to the last byte, gzip: ${reportAfterWriteZipped} and ${reportRepeatedZipped} ms; ` +
        `no encoding, after a write: ${reportAfterWriteIdentity} ms; unzipped by zlib as it comes, after a write: ` +
        `${reportAfterWriteUnzipped} ms); ` +
        `floor ${reportFloor} ms (median of ${o.reportRuns})`,
    );

    // Positions (contract §6): an actor's across its 1,000 proposals, one request after another;
    // the report over everything, streamed to the last byte, beside its query alone, and the
    // service's memory while it streams.
    const positionsPath = (): string => `/api/v1/proposals/${slug()}/positions`;
    const proposalPositionsMs = {
      service: await oneAfterAnotherMs(service, positionsPath, BY_SLUG_SEQUENTIAL_RUNS),
      floor: await oneAfterAnotherMs(floor, positionsPath, BY_SLUG_SEQUENTIAL_RUNS),
    };
    const actorPositionsMs = await oneAfterAnotherMs(service, () => `/api/v1/actors/${BUSY_ACTOR.slug}/positions`, 51);
    const rssBeforePositions = await rssMiB(service.child.pid ?? 0);
    let rssDuringPositions = rssBeforePositions;
    const positionsSampler = setInterval(() => {
      void rssMiB(service.child.pid ?? 0).then((rss) => (rssDuringPositions = Math.max(rssDuringPositions, rss)));
    }, 100);
    // Each run reads every position (1.8M rows at the full size): two, taking turns with the SQL alone.
    const positionsReportRuns = Math.min(o.reportRuns, 2);
    const reportTimes: { service: number[]; alone: number[] } = { service: [], alone: [] };
    let positionsAlone = { ms: 0, rows: 0 };
    for (let run = 0; run < positionsReportRuns; run += 1) {
      reportTimes.service.push(
        await sequentialMs(service, () => '/api/v1/reports/positions', 1, undefined, toLastByte(false), 0),
      );
      positionsAlone = await positionsReportAlone(database.url, 1);
      reportTimes.alone.push(positionsAlone.ms);
    }
    clearInterval(positionsSampler);
    const positionsReportMs = median(reportTimes.service);
    positionsAlone = { ms: median(reportTimes.alone), rows: positionsAlone.rows };
    const positions = {
      proposalPositionsMs,
      actorPositionsMs,
      actorProposals: BUSY_ACTOR.proposals,
      report: {
        serviceMs: positionsReportMs,
        sqlAloneMs: positionsAlone.ms,
        rows: positionsAlone.rows,
        ratio: Math.round((positionsReportMs / positionsAlone.ms) * 100) / 100,
        rssBeforeMiB: rssBeforePositions,
        peakRssMiB: rssDuringPositions,
      },
    };
    log(
      `positions: a proposal's one after another, median ${proposalPositionsMs.service} ms ` +
        `(floor ${proposalPositionsMs.floor} ms); ${BUSY_ACTOR.slug}'s on ${BUSY_ACTOR.proposals} proposals ${actorPositionsMs} ms (median); ` +
        `the report (${positionsAlone.rows} rows) ${positionsReportMs} ms, its SQL alone ${positionsAlone.ms} ms, ` +
        `service / SQL alone ${positions.report.ratio}; the service's RSS ${rssBeforePositions} MiB before, ` +
        `${rssDuringPositions} MiB at most while streaming`,
    );

    const pages = await measurePages(service, o, slug);
    log(
      `pages: the board ${pages.board.page.rps}/s beside the JSON list ${pages.board.json.rps}/s (${pages.board.ratio}×); ` +
        `a proposal's page ${pages.proposal.pageMs} ms, its JSON ${pages.proposal.jsonMs} ms + timeline ` +
        `${pages.proposal.timelineMs} ms (${pages.proposal.ratio}×); sizes ${sizesText(pages.sizes)}; ` +
        `the progress page ${pages.progressMs} ms`,
    );

    let statementCounter = 0;
    const statementBody = (): CreateStatementDto => {
      statementCounter += 1;
      return {
        speaker: 'actor-5',
        saidOn: today,
        quote: `Benchmark statement ${statementCounter} on multilateral security cooperation in Eurasia.`,
        source: { url: `https://bench.example/${statementCounter}` },
        proposals: [{ slug: slug(), stance: statementCounter % 3 === 0 ? 'opposes' : 'supports' }],
      };
    };
    await sideBySide(
      'POST statements',
      () => ({ method: 'POST', path: '/api/v1/statements', body: statementBody() }),
      () => statementsAlone(database.url, o.duration, o.connections, statementBody),
    );
    // Each active proposal in turn, and again once all have had one: suspended, then resumed to
    // another active status, then moved to a third. Each move is allowed from the one before and
    // from the one before that, so a request cut off at the end of a run costs no later error.
    const cycles = active.map(({ slug: proposal, status }) => {
      const others = ACTIVE_STATUSES.filter((other) => other !== status);
      return { slug: proposal, targets: ['suspended', others[0], others[1]], sent: 0 };
    });
    let next = 0;
    const transition = () => {
      const cycle = cycles[next++ % cycles.length];
      const to = cycle.targets[cycle.sent++ % cycle.targets.length];
      return {
        method: 'POST' as const,
        path: `/api/v1/proposals/${cycle.slug}/transitions`,
        // Every transition after the first cites a source.
        body: { to, occurredOn: today, note: 'benchmark', sources: [{ url: `https://bench.example/t/${next}` }] },
      };
    };
    await sideBySide('POST transitions', transition);
    log(`POST transitions: ${next} sent over ${cycles.length} active proposals`);

    // What the change row costs a write: the statements' SQL alone with it and without it, taking turns.
    const changeRow: Record<'with' | 'without', Measurement[]> = { with: [], without: [] };
    // At least two rounds, so that each goes first once.
    for (let round = 0; round < Math.max(2, o.rounds); round += 1) {
      const turns = [
        async () =>
          void changeRow.with.push(await statementsAlone(database.url, o.duration, o.connections, statementBody)),
        async () =>
          void changeRow.without.push(
            await statementsAlone(database.url, o.duration, o.connections, statementBody, false),
          ),
      ];
      for (const turn of round % 2 === 0 ? turns : [...turns].reverse()) await turn();
    }
    const bestOf = (list: Measurement[]) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
    const changeRowCost = {
      with: bestOf(changeRow.with),
      without: bestOf(changeRow.without),
      cost: Math.round((bestOf(changeRow.without).rps / bestOf(changeRow.with).rps) * 100) / 100,
    };
    log(
      `statements' SQL alone: ${changeRowCost.with.rps}/s with the change row, ${changeRowCost.without.rps}/s without; ` +
        `cost of a write with it / without: ${changeRowCost.cost}`,
    );

    // Bodies from callers without a token: refused before they are parsed, so each costs the
    // service about what reading its bytes off the socket costs.
    const anonymousBody = JSON.stringify(Array.from({ length: 50_000 }, (_, i) => ({ n: i, text: 'x'.repeat(8) })));
    const anonymousBefore = await processCpuMs(service.child.pid ?? 0);
    const anonymousSent = 200;
    for (let i = 0; i < anonymousSent; i += 1) {
      const response = await fetch(`${service.base}/api/v1/statements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: anonymousBody,
      });
      await response.arrayBuffer();
      if (response.status !== 401) throw new Error(`anonymous POST → ${response.status}`);
    }
    const anonymousAfter = await processCpuMs(service.child.pid ?? 0);
    const anonymousBodies = {
      bytes: Buffer.byteLength(anonymousBody),
      sent: anonymousSent,
      cpuMsEach:
        anonymousBefore === undefined || anonymousAfter === undefined
          ? undefined
          : perRequestMs(anonymousAfter - anonymousBefore, anonymousSent),
    };
    log(
      `anonymous ${Math.round(anonymousBodies.bytes / 1024)} KiB bodies: ${anonymousBodies.cpuMsEach ?? '—'} ms of ` +
        `the service's CPU each (${anonymousSent} sent, every one 401)`,
    );

    const deliveries = await measureDeliveries({
      base: service.base,
      databaseUrl: database.url,
      token: ADMIN_TOKEN,
      seconds: o.duration * 2,
      changes: o.quick ? 5_000 : 20_000,
      rate: 500,
      write: transition,
      log,
    });
    const bulk = await measureBulk({
      base: service.base,
      token: ADMIN_TOKEN,
      databaseUrl: database.url,
      rss: () => rssMiB(service.child.pid ?? 0),
      rows: o.quick ? IMPORT_ROWS_QUICK : IMPORT_ROWS,
      speaker: 'actor-5',
      proposals: Array.from({ length: 50 }, () => slug()),
      log,
    });
    clearInterval(sampler);

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      options: o,
      generation: generated,
      scenarios: rows,
      positions,
      pages,
      bulk,
      changeRowCost,
      deliveries,
      anonymousBodies,
      bySlugC1,
      bySlugMedianMs: bySlugSequential,
      bySlugInterleaved: interleaved,
      reportInterleaved: reportTurns,
      report: {
        serviceMedianMs: reportService,
        serviceAfterWriteMedianMs: reportAfterWrite,
        serviceRepeatedMedianMs: reportRepeated,
        serviceAfterWriteZippedMedianMs: reportAfterWriteZipped,
        serviceRepeatedZippedMedianMs: reportRepeatedZipped,
        serviceAfterWriteIdentityMedianMs: reportAfterWriteIdentity,
        serviceAfterWriteUnzippedMedianMs: reportAfterWriteUnzipped,
        floorMedianMs: reportFloor,
        runs: o.reportRuns,
      },
      scaling: o.scaling
        ? [
            ...scaling,
            {
              proposals: o.size.proposals,
              reportMedianMs: reportService,
              reportRepeatedMedianMs: reportRepeated,
              bySlugC1P50: bySlugC1.p50,
              bySlugMedianMs: bySlugSequential,
            },
          ]
        : undefined,
      peakRssMiB: Math.round(peakRss),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    printTable(results);
    await mkdir('bench/results', { recursive: true });
    const file = path.join('bench/results', `${results.date.slice(0, 10)}${o.quick ? '-quick' : ''}.json`);
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    for (const server of servers) await stop(server).catch(() => undefined);
    await database.drop();
  }
}

/** Each size's median, and the largest size's over the smallest's. */
function interleavedText(sizes: SizeFigure[]): string {
  const [first, last] = [sizes[0], sizes[sizes.length - 1]];
  return (
    `${sizes.map(({ proposals, medianMs }) => `${proposals}: ${medianMs} ms`).join(', ')} ` +
    `(median of ${INTERLEAVED_ROUNDS} rounds of ${INTERLEAVED_RUNS}); ` +
    `${last.proposals} / ${first.proposals}: ${Math.round((last.medianMs / first.medianMs) * 100) / 100}`
  );
}

/** Each size's median and its cost per 1k proposals, and the largest size's per-1k cost over the smallest's. */
function reportTurnsText(sizes: SizeFigure[]): string {
  const perThousand = ({ proposals, medianMs }: SizeFigure): number => (medianMs / proposals) * 1000;
  const [first, last] = [sizes[0], sizes[sizes.length - 1]];
  return (
    `${sizes
      .map((size) => `${size.proposals}: ${size.medianMs} ms (${Math.round(perThousand(size) * 10) / 10} per 1k)`)
      .join(', ')} ` +
    `(median of ${REPORT_INTERLEAVED_ROUNDS} rounds of ${REPORT_INTERLEAVED_RUNS}); ` +
    `per 1k at ${last.proposals} / at ${first.proposals}: ${Math.round((perThousand(last) / perThousand(first)) * 100) / 100}`
  );
}

/**
 * The writes measured on their SQL alone as well: what PostgreSQL itself allows here, and how much
 * of it the floor and the service reach.
 */
function sqlAloneLines(rows: Row[]): string[] {
  const measured = rows.filter((row) => row.sqlAlone !== undefined);
  if (measured.length === 0) return [];
  return [
    '',
    "The floor's SQL alone, sent from a bare pg pool in the bench's process (no HTTP, no token lookup):",
    '',
    "| scenario | SQL alone req/s | p50 ms | errors | the bench's CPU ms/request | its PostgreSQL | floor / SQL alone | service / SQL alone |",
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...measured.map((row) => {
      const alone = row.sqlAlone as Measurement;
      const share = (rps: number | undefined): string =>
        rps === undefined || alone.rps === 0 ? '—' : String(Math.round((rps / alone.rps) * 100) / 100);
      return (
        `| ${row.scenario} | ${alone.rps} | ${alone.p50} | ${alone.errors} | ${alone.cpuMsPerRequest?.server ?? '—'} | ` +
        `${alone.cpuMsPerRequest?.postgres ?? '—'} | ${share(row.floor?.rps)} | ${share(row.service.rps)} |`
      );
    }),
  ];
}

function printTable(results: {
  scenarios: Row[];
  changeRowCost: { with: Measurement; without: Measurement; cost: number };
  positions: {
    proposalPositionsMs: { service: number; floor: number };
    actorPositionsMs: number;
    actorProposals: number;
    report: {
      serviceMs: number;
      sqlAloneMs: number;
      rows: number;
      ratio: number;
      rssBeforeMiB: number;
      peakRssMiB: number;
    };
  };
  deliveries: DeliveryFigures;
  pages: PageFigures;
  bulk: BulkFigures;
  anonymousBodies: { bytes: number; sent: number; cpuMsEach?: number };
  report: {
    serviceMedianMs: number;
    serviceAfterWriteMedianMs: number;
    serviceRepeatedMedianMs: number;
    serviceAfterWriteZippedMedianMs: number;
    serviceRepeatedZippedMedianMs: number;
    serviceAfterWriteIdentityMedianMs: number;
    serviceAfterWriteUnzippedMedianMs: number;
    floorMedianMs: number;
  };
  bySlugC1: Measurement;
  bySlugMedianMs: number;
  bySlugInterleaved?: SizeFigure[];
  reportInterleaved?: SizeFigure[];
  peakRssMiB: number;
  generation: { rowsPerSecond: number };
  scaling?: ScalingPoint[];
}): void {
  const lines = [
    '| scenario | service req/s | p50 ms | p99 ms | errors | floor req/s | floor p50 ms | service/floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.scenarios.map(
      (row) =>
        `| ${row.scenario} | ${row.service.rps} | ${row.service.p50} | ${row.service.p99} | ${row.service.errors} | ` +
        `${row.floor?.rps ?? '—'} | ${row.floor?.p50 ?? '—'} | ${row.ratio ?? '—'} |`,
    ),
    '',
    'CPU per request (ms, from /proc, over the best run of each): the server process, and all of PostgreSQL',
    '',
    '| scenario | service | its PostgreSQL | floor | its PostgreSQL | floor/service, both together |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.scenarios.map(
      (row) =>
        `| ${row.scenario} | ${row.service.cpuMsPerRequest?.server ?? '—'} | ` +
        `${row.service.cpuMsPerRequest?.postgres ?? '—'} | ${row.floor?.cpuMsPerRequest?.server ?? '—'} | ` +
        `${row.floor?.cpuMsPerRequest?.postgres ?? '—'} | ${row.cpuRatio ?? '—'} |`,
    ),
    ...sqlAloneLines(results.scenarios),
    '',
    `statements' SQL alone with the change row ${results.changeRowCost.with.rps}/s, without ${results.changeRowCost.without.rps}/s: ` +
      `a write costs ${results.changeRowCost.cost}× with it`,
    `positions: a proposal's, one after another, median ${results.positions.proposalPositionsMs.service} ms ` +
      `(floor ${results.positions.proposalPositionsMs.floor} ms); one actor's on ${results.positions.actorProposals} ` +
      `proposals ${results.positions.actorPositionsMs} ms; ` +
      `the report (${results.positions.report.rows} rows) ${results.positions.report.serviceMs} ms, its SQL alone ` +
      `${results.positions.report.sqlAloneMs} ms (${results.positions.report.ratio}×); RSS ` +
      `${results.positions.report.rssBeforeMiB} → ${results.positions.report.peakRssMiB} MiB while streaming`,
    `pages: the board ${results.pages.board.page.rps}/s, its JSON list ${results.pages.board.json.rps}/s ` +
      `(${results.pages.board.ratio}×); a proposal's page ${results.pages.proposal.pageMs} ms, its JSON and timeline ` +
      `${results.pages.proposal.jsonMs} + ${results.pages.proposal.timelineMs} ms (${results.pages.proposal.ratio}×); ` +
      `sizes ${sizesText(results.pages.sizes)}; the progress page, first time, ${results.pages.progressMs} ms`,
    `the export ${results.bulk.export.ms} ms (${Math.round(results.bulk.export.gzipBytes / 2 ** 20)} MiB gzipped), ` +
      `COPY of its tables ${results.bulk.export.copyMs} ms (${results.bulk.export.ratio}× its rate); RSS ` +
      `${results.bulk.export.rssBeforeMiB} → ${results.bulk.export.peakRssMiB} MiB; ${results.bulk.import.rows} ` +
      `statements imported from CSV in ${results.bulk.import.ms} ms (${results.bulk.import.perSecond}/s)`,
    `webhook deliveries to a receiver answering at once: ${results.deliveries.throughput.perSecond}/s ` +
      `(${results.deliveries.throughput.changes} changes committed together)`,
    `commit-to-delivery at ${results.deliveries.latency.rate} transitions/s for ${results.deliveries.latency.seconds} s, ` +
      `from the write's answer: p50 ${results.deliveries.latency.fromAnswer.p50} ms, ` +
      `p99 ${results.deliveries.latency.fromAnswer.p99} ms, max ${results.deliveries.latency.fromAnswer.max} ms; ` +
      `from its transaction's start: p50 ${results.deliveries.latency.fromStart.p50} ms, p99 ${results.deliveries.latency.fromStart.p99} ms`,
    `anonymous ${Math.round(results.anonymousBodies.bytes / 1024)} KiB bodies: ${results.anonymousBodies.cpuMsEach ?? '—'} ms ` +
      `of the service's CPU each`,
    '',
    `progress report (median): service ${results.report.serviceMedianMs} ms computed, ` +
      `${results.report.serviceAfterWriteMedianMs} ms after a write, ` +
      `${results.report.serviceRepeatedMedianMs} ms repeated, through fetch; to the last byte, gzip: ` +
      `${results.report.serviceAfterWriteZippedMedianMs} ms after a write and ` +
      `${results.report.serviceRepeatedZippedMedianMs} ms repeated, no encoding: ` +
      `${results.report.serviceAfterWriteIdentityMedianMs} ms after a write, gzip unzipped by zlib as it comes: ` +
      `${results.report.serviceAfterWriteUnzippedMedianMs} ms after a write; ` +
      `floor ${results.report.floorMedianMs} ms`,
    `GET by slug at c=1: p50 ${results.bySlugC1.p50} ms; one after another, median ${results.bySlugMedianMs} ms`,
    ...(results.bySlugInterleaved === undefined
      ? []
      : [`GET by slug one after another, the sizes taking turns: ${interleavedText(results.bySlugInterleaved)}`]),
    ...(results.reportInterleaved === undefined
      ? []
      : [`progress report computed, the sizes taking turns: ${reportTurnsText(results.reportInterleaved)}`]),
    `service peak RSS under load: ${results.peakRssMiB} MiB`,
    `generation: ${results.generation.rowsPerSecond} rows/s`,
    ...(results.scaling === undefined
      ? []
      : [
          '',
          '| proposals | report computed, median ms | ms per 1k proposals | report repeated, median ms | by slug p50 ms (c=1) | by slug, one after another, median ms |',
          '|---:|---:|---:|---:|---:|---:|',
          ...results.scaling.map(
            (point) =>
              `| ${point.proposals} | ${point.reportMedianMs} | ` +
              `${Math.round((point.reportMedianMs / point.proposals) * 10_000) / 10} | ${point.reportRepeatedMedianMs} | ` +
              `${point.bySlugC1P50} | ${point.bySlugMedianMs} |`,
          ),
        ]),
  ];
  log(`\n${lines.join('\n')}\n`);
}

runCommand(
  {
    name: 'bench',
    synopsis:
      'npm run bench -- [--quick] [--proposals N] [--statements N] [--transitions N] [--actors N]\n' +
      '                 [--duration S] [--connections C] [--rounds R] [--report-runs N] [--scaling]\n\n' +
      "Generates a database (on DATABASE_URL's server, else an embedded one), starts the service and the\n" +
      'bare floor on it, measures every scenario on both side by side, prints the table and writes\n' +
      'bench/results/<date>.json. 100k proposals unless told (10k with --quick); see BENCHMARKS.md.',
    spec: FLAGS,
    stack: true,
  },
  main,
);
