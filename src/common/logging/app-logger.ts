import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/app-config.js';

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

/** Never written, whatever a line carries: credentials in headers and cookies. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * The one log of the process: pino, one JSON object a line on stdout, shared by the application,
 * Nest (as its LoggerService) and Fastify (as its logger instance).
 */
export class AppLogger implements LoggerService {
  readonly pino: Logger;

  constructor(level: LogLevel = 'info', destination?: DestinationStream) {
    this.pino = pino(
      {
        level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACTED, censor: '[redacted]' },
      },
      destination,
    );
  }

  enabled(level: LogLevel): boolean {
    return this.pino.isLevelEnabled(level);
  }

  write(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.pino[level](fields, msg);
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
