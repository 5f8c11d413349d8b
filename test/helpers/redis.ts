import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../src/common/database/embedded-postgres.js';

/** Where a `redis-server` is: REDIS_SERVER_PATH, else Debian's package (apt-get install redis-server). */
export function redisServerPath(): string | undefined {
  const candidates = [process.env.REDIS_SERVER_PATH, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  return candidates.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate));
}

export interface RedisServer {
  url: string;
  /** Kills the server (SIGKILL: as a crash would); it keeps nothing on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/** A `redis-server` of the test's own on a free port of 127.0.0.1, keeping nothing on disk. */
export async function startRedis(): Promise<RedisServer> {
  const program = redisServerPath();
  if (program === undefined) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();
  const start = async (): Promise<void> => {
    const running = spawn(
      program,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = running;
    exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      running.stdout?.on('data', onData);
      running.stderr?.on('data', onData);
      running.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child?.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    start,
  };
}
