import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type TestAgent from 'supertest/lib/agent.js';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../../src/common/database/embedded-postgres.js';

export const ADMIN_TOKEN = 'ppt_resilience_admin_token_000000000000';
/** Shared by every instance on one database, as SESSION_SECRET must be. */
const SESSION_SECRET = 'ppt-resilience-session-secret-0123456789';
const MAIN = path.resolve('dist/src/main.js');
const run = promisify(execFile);

/** What the suite did, printed at the end of each test: requests, faults, writes checked. */
export const counts = { requests: 0, faults: 0, verified: 0 };

/** Prints what a test did, then starts the next test's counts from zero. */
export function printCounts(name: string): void {
  process.stdout.write(
    `[resilience] ${name}: ${counts.requests} requests sent, ${counts.faults} faults injected, ${counts.verified} writes verified\n`,
  );
  Object.assign(counts, { requests: 0, faults: 0, verified: 0 });
}

export interface Postgres {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops every process of the cluster with SIGSTOP: connections stay open, nothing answers. */
  freeze(): Promise<void>;
  /** SIGCONT: the cluster goes on where it was. */
  thaw(): Promise<void>;
  remove(): Promise<void>;
}

/** The postmaster's pid (the first line of postmaster.pid) and its children's. */
async function clusterPids(dir: string): Promise<number[]> {
  const { stdout } = await run('find', ['-L', dir, '-name', 'postmaster.pid']);
  const file = stdout.trim().split('\n')[0];
  const postmaster = Number((await readFile(file, 'utf8')).split('\n')[0]);
  const children = await run('pgrep', ['-P', String(postmaster)]).then(
    ({ stdout: list }) => list.trim().split('\n').filter(Boolean).map(Number),
    () => [],
  );
  return [postmaster, ...children];
}

/** A PostgreSQL of the test's own, which it may stop and start again on the same port. */
export async function ownPostgres(): Promise<Postgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppt-resilience-'));
  let server: EmbeddedDatabase = await startEmbeddedPostgres(dir);
  const port = server.port;
  return {
    url: server.url,
    port,
    dir,
    stop: () => server.stop(),
    async freeze() {
      for (const pid of await clusterPids(dir)) process.kill(pid, 'SIGSTOP');
    },
    async thaw() {
      for (const pid of await clusterPids(dir)) process.kill(pid, 'SIGCONT');
    },
    async start() {
      server = await startEmbeddedPostgres(dir, undefined, port);
    },
    async remove() {
      await server.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Service {
  base: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** The built service as a process of its own; DATABASE_URL unset means its embedded PostgreSQL. */
export async function startService(env: Record<string, string>, port?: number): Promise<Service> {
  const listenOn = port ?? (await freePort());
  const { DATABASE_URL: _inherited, ...rest } = process.env;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...rest,
      PORT: String(listenOn),
      ADMIN_TOKEN,
      SESSION_SECRET,
      LOG_LEVEL: 'warn',
      SEED_ON_EMPTY: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      FAILED_AUTH_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${listenOn}`;
  const deadline = Date.now() + 90_000;
  let dead = false;
  void exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`the service exited while starting:\n${output}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the service did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { base, child, output: () => output, exited };
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & { id?: string; type?: string };
  ms: number;
  contentType: string;
  /** Why the request got no answer (status 0): the error and its cause, as `fetch` gave them. */
  error?: string;
}

/** Fails unless the answer's status is one of `allowed`, naming why a request got no answer. */
export function expectStatus(answer: Answer, allowed: number[]): void {
  if (allowed.includes(answer.status)) return;
  const why = answer.error === undefined ? '' : ` (${answer.error})`;
  throw new Error(`status ${answer.status}${why} after ${answer.ms} ms, where ${allowed.join(' or ')} was expected`);
}

/** One request; a refused or dropped connection is status 0. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<Answer> {
  counts.requests += 1;
  const started = Date.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: Answer['body'] = {};
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Answer['body']);
    } catch {
      parsed = { raw: text };
    }
    return {
      status: response.status,
      body: parsed,
      ms: Date.now() - started,
      contentType: response.headers.get('content-type') ?? '',
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { status: 0, body: {}, ms: Date.now() - started, contentType: '', error: `${String(error)}${cause}` };
  }
}

export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The invariants of the status history, checked in SQL over every proposal: standing transitions
 * chain (each `from` is the previous `to`, seq increasing), the proposal's status is the last
 * standing `to`, and its furthest status is the furthest stage reached. Answers the violations.
 */
export async function historyViolations(url: string): Promise<unknown[]> {
  return query(
    url,
    `WITH standing AS (
       SELECT t.*, lag(t.to_status) OVER (PARTITION BY t.proposal_id ORDER BY t.seq) AS previous
         FROM transitions t WHERE t.retracted_at IS NULL
     ), last AS (
       SELECT DISTINCT ON (proposal_id) proposal_id, to_status FROM standing ORDER BY proposal_id, seq DESC
     ), furthest AS (
       SELECT proposal_id,
              (ARRAY['floated','proposed','under_discussion','drafting','adopted','implementing','implemented'])[
                max(array_position(ARRAY['floated','proposed','under_discussion','drafting','adopted','implementing','implemented'], to_status))] AS status
         FROM standing GROUP BY proposal_id
     )
     SELECT 'broken chain' AS problem, s.proposal_id::text AS id FROM standing s
      WHERE s.seq > 1 AND s.from_status IS DISTINCT FROM s.previous
     UNION ALL
     SELECT 'status is not the last to', p.id::text FROM proposals p JOIN last l ON l.proposal_id = p.id WHERE p.status <> l.to_status
     UNION ALL
     SELECT 'furthest status', p.id::text FROM proposals p JOIN furthest f ON f.proposal_id = p.id WHERE p.furthest_status <> f.status
     UNION ALL
     SELECT 'proposal without its creation', p.id::text FROM proposals p
      WHERE NOT EXISTS (SELECT 1 FROM transitions t WHERE t.proposal_id = p.id AND t.seq = 1)
     UNION ALL
     SELECT 'statement without a proposal', s.id::text FROM statements s
      WHERE NOT EXISTS (SELECT 1 FROM statement_proposals sp WHERE sp.statement_id = s.id)`,
  );
}

export async function removeDir(dir: string): Promise<void> {
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The actor, proposal and event the fuzz suites aim at, all with the slug `fuzz-target`. */
export async function createFuzzTargets(http: TestAgent, token: string): Promise<void> {
  const auth: [string, string] = ['authorization', `Bearer ${token}`];
  await http
    .post('/api/v1/actors')
    .set(...auth)
    .send({ kind: 'state', name: 'Fuzz target', slug: 'fuzz-target' });
  await http
    .post('/api/v1/proposals')
    .set(...auth)
    .send({ title: 'Fuzz', slug: 'fuzz-target', proposedOn: '2020', proposers: [{ actor: 'fuzz-target' }] });
  await http
    .post('/api/v1/events')
    .set(...auth)
    .send({ name: 'Fuzz', slug: 'fuzz-target', kind: 'meeting', startsOn: '2020' });
}
