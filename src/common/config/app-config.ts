import path from 'node:path';
import ipaddr from 'ipaddr.js';

/** Log levels understood by the request logger and Nest's logger. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  port: number;
  /** Set when an external PostgreSQL is used; unset means the embedded one under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  publicRead: boolean;
  rateLimitPerMinute: number;
  /** Failed authentications an address may make per minute before it is refused without a lookup. */
  failedAuthPerMinute: number;
  /** How long a request may take to arrive, headers and body (ms). */
  requestTimeoutMs: number;
  /** Connections one address may hold open at once; 0 for no bound. */
  connectionsPerClient: number;
  corsOrigins: string[];
  seedOnEmpty: boolean;
  logLevel: LogLevel;
  /** Milliseconds a request may wait for a pooled connection before failing with 503. */
  dbConnectTimeoutMs: number;
  /** Milliseconds a single SQL statement may run before PostgreSQL cancels it. */
  dbStatementTimeoutMs: number;
  dbPoolSize: number;
  /** Megabytes of finished progress reports kept, compressed, for repeats until a write; 0 keeps none. */
  reportCacheMb: number;
  /** Remember tokens found valid until tokens or users change (needs LISTEN: no transaction pooler). */
  tokenCache: boolean;
  /**
   * The secret web sessions are encrypted with (32+ bytes; the same on every instance). Unset, the
   * embedded mode makes one and keeps it in `dataDir` (`keptSessionSecret`); with `DATABASE_URL`
   * it is required, since every instance must share it.
   */
  sessionSecret: string | undefined;
  /**
   * The proxies (addresses, CIDR ranges, or `loopback` / `linklocal` / `uniquelocal`) whose
   * `X-Forwarded-For` and `X-Forwarded-Proto` are believed: behind a load balancer, the client's
   * address (rate limits, failed sign-ins) and https (Secure cookies) come from them. Empty: none.
   */
  trustProxy: string[];
  /** Where the rate limit is counted across instances (`redis://…`); unset, each instance counts its own. */
  redisUrl: string | undefined;
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Deliver to loopback, private, link-local and unique-local addresses too (a receiver on this machine). */
  allowPrivate: boolean;
  /** How long one delivery may take, connection to last byte. */
  timeoutMs: number;
  /** The first retry's delay; each next one doubles (with jitter). */
  retryDelaySeconds: number;
  /** How long a change is retried, and how long a webhook may fail without a success before it is disabled. */
  retryHours: number;
  /** Deliveries attempted at once by this instance. */
  concurrency: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(env: Env): string[] {
  const entries = (env.TRUST_PROXY ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const valid =
      PROXY_RANGES.has(entry) ||
      (extra === undefined &&
        ipaddr.isValid(address) &&
        (bits === undefined ||
          (/^\d{1,3}$/.test(bits) && Number(bits) <= (ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128))));
    if (!valid) {
      throw new ConfigError(
        `TRUST_PROXY must list addresses, CIDR ranges, loopback, linklocal or uniquelocal, got "${entry}"`,
      );
    }
  }
  return entries;
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL is not a valid URL (expected redis://host:port)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must use redis:// or rediss://, got "${url.protocol}"`);
  }
  if (!url.hostname) throw new ConfigError('REDIS_URL must name a host');
  return raw;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL (expected postgres://user:pass@host:port/db)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must use postgres:// or postgresql://, got "${url.protocol}"`);
  }
  if (!url.hostname || url.pathname.length <= 1) {
    throw new ConfigError('DATABASE_URL must name a host and a database');
  }
  return raw;
}

/**
 * Reads and validates the environment once. This is the only place that touches
 * `process.env`; everything else receives an {@link AppConfig}.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const url = databaseUrl(env);
  const adminToken = env.ADMIN_TOKEN === '' ? undefined : env.ADMIN_TOKEN;
  if (adminToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(adminToken)) {
    throw new ConfigError('ADMIN_TOKEN must be 16 to 256 visible ASCII characters');
  }
  const sessionSecret = env.SESSION_SECRET === '' ? undefined : env.SESSION_SECRET;
  if (sessionSecret !== undefined && Buffer.byteLength(sessionSecret) < 32) {
    throw new ConfigError('SESSION_SECRET must be at least 32 bytes (openssl rand -hex 32 makes one)');
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: url,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    adminToken,
    publicRead: boolean(env, 'PUBLIC_READ', false),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    failedAuthPerMinute: integer(env, 'FAILED_AUTH_PER_MINUTE', 30, 1, 1_000_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    connectionsPerClient: integer(env, 'CONNECTIONS_PER_CLIENT', 256, 0, 100_000),
    corsOrigins,
    seedOnEmpty: boolean(env, 'SEED_ON_EMPTY', url === undefined),
    logLevel,
    dbConnectTimeoutMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 3000, 100, 60_000),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
    reportCacheMb: integer(env, 'REPORT_CACHE_MB', 16, 0, 4096),
    tokenCache: boolean(env, 'TOKEN_CACHE', true),
    sessionSecret,
    redisUrl: redisUrl(env),
    trustProxy: trustProxy(env),
    webhooks: {
      allowPrivate: boolean(env, 'WEBHOOK_ALLOW_PRIVATE', false),
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      retryDelaySeconds: integer(env, 'WEBHOOK_RETRY_DELAY_SECONDS', 5, 1, 3600),
      retryHours: integer(env, 'WEBHOOK_RETRY_HOURS', 24, 1, 24 * 30),
      concurrency: integer(env, 'WEBHOOK_CONCURRENCY', 32, 1, 1000),
    },
  };
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injection token for the URL of the database in use: `DATABASE_URL`, or the embedded cluster's. */
export const DATABASE_URL = Symbol('DATABASE_URL');
