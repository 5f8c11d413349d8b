import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../../src/common/database/embedded-postgres.js';
import { redisServerPath } from './redis.js';
import { ADMIN_TOKEN, SESSION_SECRET } from './test-app.js';

/** Where a Chromium is: CHROMIUM_PATH, else Debian's package (apt-get install chromium). */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate));
}

/**
 * `it` when every tool a test needs is installed (`chromium` for the browser, `jq` for the README's
 * examples, `redis-server` for the shared rate limit); otherwise the test is skipped with a notice, unless REQUIRE_TOOLS is set (CI sets it),
 * where a missing tool is a failure.
 */
export function itWith(...tools: ('chromium' | 'jq' | 'redis-server')[]): jest.It {
  const missing = tools.filter((tool) =>
    tool === 'chromium'
      ? chromiumPath() === undefined
      : tool === 'redis-server'
        ? redisServerPath() === undefined
        : !['/usr/bin/jq', '/usr/local/bin/jq'].some(existsSync),
  );
  if (missing.length === 0) return it;
  if (process.env.REQUIRE_TOOLS) throw new Error(`REQUIRE_TOOLS is set but ${missing.join(' and ')} is not installed`);
  process.stderr.write(`tests skipped: install ${missing.join(' and ')} (apt-get install ${missing.join(' ')})\n`);
  return it.skip;
}

/** A host name that is not localhost, mapped to this machine: the office-server case, over plain HTTP. */
export const OFFICE_HOST = 'tracker.office.test';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', `--host-resolver-rules=MAP ${OFFICE_HOST} 127.0.0.1`],
  });
}

export interface Service {
  port: number;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** The built service (`dist/src/main.js`, Swagger UI and all) as its own process on a free port. */
export async function startService(databaseUrl: string, env: Record<string, string> = {}): Promise<Service> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      ADMIN_TOKEN,
      SESSION_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited while starting:\n${output}`);
    const answer = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
    if (answer?.ok) break;
    if (Date.now() > deadline) throw new Error(`the service did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    url: `http://${OFFICE_HOST}:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
