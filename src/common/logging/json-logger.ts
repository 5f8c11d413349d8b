import type { LoggerService } from '@nestjs/common';
import { LOG_LEVELS, type LogLevel } from '../config/app-config.js';

const RANK: Record<LogLevel, number> = Object.fromEntries(
  LOG_LEVELS.map((level, index) => [level, LOG_LEVELS.length - index]),
) as Record<LogLevel, number>;

/**
 * Nest's start-up chatter (a line per module and per route): kept at debug, so that at the
 * default level a start shows what matters — the database, the admin token, the URL.
 */
const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * One JSON object per line on stdout, for the application, for Nest and for every request.
 * Request headers are never written, so `Authorization` cannot leak into logs.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly level: LogLevel = 'info') {}

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  write(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled(level)) return;
    process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`);
  }

  log(message: unknown, context?: string): void {
    const level = context !== undefined && NEST_BOOT_CONTEXTS.has(context) ? 'debug' : 'info';
    this.write(level, String(message), context ? { context } : {});
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    const fields: Record<string, unknown> = {};
    if (context) {
      fields.context = context;
      if (stackOrContext) fields.stack = stackOrContext;
    } else if (stackOrContext) {
      fields.context = stackOrContext;
    }
    this.write('error', message instanceof Error ? message.message : String(message), fields);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', String(message), context ? { context } : {});
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', String(message), context ? { context } : {});
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', String(message), context ? { context } : {});
  }
}
