import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/common/database/embedded-postgres.js';

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const started: Running[] = [];

/** `node dist/src/main.js` run from `cwd` (the package there), without DATABASE_URL. */
function start(cwd: string, env: Record<string, string>, script = 'dist/src/main.js'): Running {
  const { DATABASE_URL: _external, ADMIN_TOKEN: _admin, DATA_DIR: _data, ...inherited } = process.env;
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  started.push(run);
  return run;
}

async function ready(port: number, run: Running): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`the service exited while starting:\n${run.output()}`);
    const answer = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
    if (answer?.ok) return;
    if (Date.now() > deadline) throw new Error(`the service did not become ready:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The stderr line a start that cannot work ends with: one line, no stack. */
function lastLines(run: Running): string[] {
  return run
    .output()
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
}

const asRoot = process.getuid?.() === 0;
const rootOnly = asRoot ? it : it.skip;

describe('the embedded PostgreSQL, started as a newcomer starts it', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const run of started) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await Promise.all(started.map((run) => run.exited));
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  rootOnly(
    'starts as root from a copy of the package in a directory only root may enter, with the data inside it',
    async () => {
      const home = await mkdtemp(path.join(os.tmpdir(), 'ppt-private-'));
      expect((await stat(home)).mode & 0o777).toBe(0o700);
      const app = path.join(home, 'app');
      await mkdir(app);
      // The package as `npm install` leaves it: the build, its dependencies and its seed data.
      execFileSync('cp', ['-al', 'dist', 'node_modules', 'package.json', 'seeds', 'views', app]);
      const port = await freePort();
      const run = start(app, { PORT: String(port) });
      await ready(port, run);
      const dataDir = path.join(app, '.data');
      const clusterDir = await realpath(path.join(dataDir, 'pg'));
      scratch.push(home, clusterDir);
      // PostgreSQL's user cannot enter the private directory: its files live elsewhere, linked from DATA_DIR.
      expect(lstatSync(path.join(dataDir, 'pg')).isSymbolicLink()).toBe(true);
      expect(existsSync(path.join(clusterDir, 'PG_VERSION'))).toBe(true);
      const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
      const proposals = await fetch(`http://127.0.0.1:${port}/api/v1/proposals`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(proposals.status).toBe(200);
      expect(((await proposals.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);

      // Started again, it finds its data where it left it.
      const again = start(app, { PORT: String(port) });
      await ready(port, again);
      expect(again.output()).not.toContain('created the first admin user');
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    },
    180_000,
  );

  it('refuses, in one line, a second service on a data directory in use, and takes over from one killed', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppt-in-use-'));
    scratch.push(dataDir);
    const first = await freePort();
    const running = start(process.cwd(), { PORT: String(first), DATA_DIR: dataDir, SEED_ON_EMPTY: 'false' });
    await ready(first, running);

    const second = start(process.cwd(), { PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(lastLines(second)).toHaveLength(1);
    expect(lastLines(second)[0]).toMatch(
      new RegExp(`^startup failed: the embedded database in ${dataDir} is in use by process ${running.child.pid}`),
    );
    // So does `npm run seed` while the service runs.
    const seed = start(process.cwd(), { DATA_DIR: dataDir }, 'dist/seeds/run-seeds.js');
    expect(await seed.exited).toBe(1);
    expect(lastLines(seed)).toEqual([
      `starting embedded PostgreSQL (files in ${dataDir})`,
      expect.stringMatching(
        new RegExp(
          `^seed failed: the embedded database in ${dataDir} is in use by process ${running.child.pid}.*stop that first`,
        ),
      ),
    ]);

    // Killed without a chance to stop its PostgreSQL: the next start stops what was left and goes on.
    running.child.kill('SIGKILL');
    await running.exited;
    const port = await freePort();
    const after = start(process.cwd(), { PORT: String(port), DATA_DIR: dataDir, SEED_ON_EMPTY: 'false' });
    await ready(port, after);
    expect(after.output()).toMatch(/stopping the PostgreSQL \(pid \d+\) left running/);
    after.child.kill('SIGTERM');
    expect(await after.exited).toBe(0);
    // A clean stop says nothing about the connections it ended.
    expect(after.output()).not.toContain('terminating connection due to administrator command');
  }, 180_000);

  it('stops with one line when DATA_DIR cannot be created', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'ppt-no-dir-')), 'a-file');
    scratch.push(path.dirname(file));
    execFileSync('touch', [file]);
    const run = start(process.cwd(), { PORT: String(await freePort()), DATA_DIR: path.join(file, 'data') });
    expect(await run.exited).toBe(1);
    expect(lastLines(run)).toEqual([
      `startup failed: cannot create DATA_DIR ${path.join(file, 'data')} (ENOTDIR); set DATA_DIR to a directory this user may write`,
    ]);
  }, 60_000);
});
