import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AppConfig, ConfigError } from './app-config.js';

/** The file, in the data directory, that keeps the embedded mode's session secret. */
export const SESSION_SECRET_FILE = 'session-secret';

/**
 * The configuration with the secret web sessions are encrypted with: `SESSION_SECRET` when set;
 * unset in the embedded mode, the one kept in `DATA_DIR` (made at the first start, readable by its
 * owner only), so that sessions outlive a restart; unset with `DATABASE_URL`, a ConfigError — the
 * instances sharing that database must share the secret too, and none can make it for the others.
 */
export async function withSessionSecret(config: AppConfig): Promise<AppConfig> {
  if (config.sessionSecret !== undefined) return config;
  if (config.databaseUrl !== undefined) {
    throw new ConfigError(
      'SESSION_SECRET is required with DATABASE_URL: every instance on the database must share it (openssl rand -hex 32 makes one)',
    );
  }
  const file = path.join(config.dataDir, SESSION_SECRET_FILE);
  let secret: string;
  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    // `wx`: a secret once made is never replaced.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    secret = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      `cannot keep the session secret in ${file} (${code}); set SESSION_SECRET, or a DATA_DIR this user may write`,
    );
  }
  if (Buffer.byteLength(secret) < 32) {
    throw new ConfigError(`${file} holds fewer than 32 bytes: remove it, and a new secret is made at the next start`);
  }
  return { ...config, sessionSecret: secret };
}
