import { Redis } from 'ioredis';
import type { AppLogger } from '../logging/app-logger.js';

/** How long a count may take before the request goes through uncounted (fail open). */
const REDIS_TIMEOUT_MS = 500;
/** The longest wait between two attempts to reach Redis again. */
const RECONNECT_MAX_MS = 5000;

/**
 * The Redis client `@fastify/rate-limit` counts in, so that every instance on `REDIS_URL` shares
 * each caller's allowance. Failing open: while Redis is unreachable (refusing, or hung) a count
 * fails within {@link REDIS_TIMEOUT_MS} — nothing is queued to wait for it — and the plugin's
 * `skipOnError` lets the request through; the service keeps serving and `/ready` stays 200. One
 * warning says when counting stops, one line when it resumes; the client keeps trying to reconnect.
 */
export function rateLimitRedis(url: string, logger: AppLogger): Redis {
  const redis = new Redis(url, {
    connectionName: 'ppt-rate-limit',
    connectTimeout: REDIS_TIMEOUT_MS,
    commandTimeout: REDIS_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, RECONNECT_MAX_MS),
  });
  let counting: boolean | undefined;
  const where = redactedUrl(url);
  redis.on('ready', () => {
    if (counting !== true) logger.write('info', 'rate limit counted in Redis, across instances', { redis: where });
    counting = true;
  });
  redis.on('error', (error: Error) => {
    if (counting === false) return;
    counting = false;
    logger.write('warn', 'Redis unreachable: requests are not rate-limited until it is back', {
      redis: where,
      error: error.message,
    });
  });
  return redis;
}

/** The URL without its password, for the log. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
