import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/common/database/embedded-postgres.js';

const MAIN = path.resolve('dist/src/main.js');
const SEED = path.resolve('dist/seeds/run-seeds.js');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const started: Running[] = [];

/** The built service as `npm start` runs it, with the environment given (no DATABASE_URL). */
function start(env: Record<string, string>, script = MAIN): Running {
  const { DATABASE_URL: _external, ADMIN_TOKEN: _admin, ...inherited } = process.env;
  const child = spawn(process.execPath, [script], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  started.push(run);
  return run;
}

async function waitFor(condition: () => boolean, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Signs in to the pages with `token` as a browser would: the session cookie to send from then on. */
async function signIn(base: string, token: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const cookies = form.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
  const posted = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; '), origin: base },
    body: new URLSearchParams({ _csrf: csrf, token, next: '/' }).toString(),
  });
  expect(posted.status).toBe(303);
  const session = posted.headers.getSetCookie().find((cookie) => cookie.startsWith('ppt_session='));
  expect(session).toBeDefined();
  return String(session).split(';')[0];
}

describe('the service as a process (npm start)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppt-process-'));
  });
  afterAll(async () => {
    // A failed expectation must not leave a service (and its PostgreSQL) running.
    for (const run of started) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await Promise.all(started.map((run) => run.exited));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on embedded PostgreSQL, prints an admin token once, serves /docs, stops cleanly and keeps its data', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };

    const first = start(env);
    await waitFor(() => first.output().includes('"msg":"listening"'), 'the first start');
    const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    expect(token).toMatch(/^ppt_/);
    expect(first.output()).toContain(token);

    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/actors`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ kind: 'state', name: 'Mongolia' }),
    });
    expect(created.status).toBe(201);
    // An empty embedded database gets the seed initiatives on its first start.
    expect(first.output()).toMatch(/seeds: created \d+ actors/);
    expect((await fetch(`${base}/api/v1/proposals/eurasian-charter`, { headers: auth })).status).toBe(200);

    // One JSON line per request, with the request id and never the token. The line is written
    // once the response has gone out, so it may arrive a moment after the client has it.
    const isActorsLine = (line: string): boolean => line.includes('"route":"/api/v1/actors"');
    await waitFor(() => first.output().split('\n').some(isActorsLine), 'the request log line', 5000);
    const requestLine = first.output().split('\n').find(isActorsLine);
    expect(JSON.parse(requestLine ?? '{}')).toMatchObject({
      method: 'POST',
      status: 201,
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    const tokenLines = first
      .output()
      .split('\n')
      .filter((line) => line.includes(token));
    expect(tokenLines).toHaveLength(1);
    // The line with the token says where to sign in to the pages with it.
    const signInUrl = String((JSON.parse(tokenLines[0]) as { signIn?: string }).signIn);
    expect(signInUrl).toBe(`http://localhost:${port}/login`);
    // A session begun now outlives the restart: its key is kept in the data directory, owner-only.
    const session = await signIn(base, token);
    const secretFile = path.join(dataDir, 'session-secret');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const secret = await readFile(secretFile, 'utf8');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = start(env);
    await waitFor(() => second.output().includes('"msg":"listening"'), 'the second start');
    expect(second.output()).not.toContain('created the first admin user');
    expect(second.output()).not.toContain('seeds: created');
    const actor = await fetch(`${base}/api/v1/actors/mongolia`, { headers: auth });
    expect(actor.status).toBe(200);
    expect(await readFile(secretFile, 'utf8')).toBe(secret);
    const board = await fetch(`${base}/`, { headers: { cookie: session }, redirect: 'manual' });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('Sign out');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    // `npm run seed` on the same data directory: everything is already there.
    const seed = start(env, SEED);
    expect(await seed.exited).toBe(0);
    expect(seed.output()).toMatch(/created 0 actors, 0 events, 0 proposals, 0 statements, 0 transitions/);
  }, 180_000);

  it.each([
    [{ PORT: 'eighty' }, /^configuration error: PORT must be an integer/],
    [{ DATABASE_URL: 'postgres//nowhere' }, /^configuration error: DATABASE_URL is not a valid URL/],
    [
      { DATABASE_URL: 'postgres://tracker@127.0.0.1:1/tracker' },
      /^configuration error: SESSION_SECRET is required with DATABASE_URL/,
    ],
    [{ SESSION_SECRET: 'short' }, /^configuration error: SESSION_SECRET must be at least 32 bytes/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /^configuration error: REDIS_URL must use redis:\/\//],
  ])('exits 1 with one line for bad configuration %p', async (env, message) => {
    const run = start(env);
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toMatch(message);
    expect(run.output().trim().split('\n')).toHaveLength(1);
  });
});
