import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import { hashToken } from '../src/common/auth/tokens.js';
import { today } from '../src/common/dates/partial-date.js';
import type { Db } from '../src/common/database/db.js';
import { MomentumRepository } from '../src/modules/proposals/momentum.repository.js';
import { ProposalsRepository } from '../src/modules/proposals/proposals.repository.js';
import { TransitionsRepository } from '../src/modules/proposals/transitions.repository.js';
import { ReportsRepository } from '../src/modules/reports/reports.repository.js';
import { StatementsRepository } from '../src/modules/statements/statements.repository.js';
import { UsersRepository } from '../src/modules/users/users.repository.js';

/**
 * The floor the service is measured against: plain `node:http` and `pg`, running the very SQL the
 * service runs for the same request — the repositories themselves, handed a bare pool instead of
 * TypeORM — and answering the rows as JSON. No framework, no ORM, no validation, no DTO mapping.
 */
// The same pool settings as the service's (see dataSourceOptions): the same database behaviour.
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
  options: '-c jit=off -c work_mem=32MB',
});
const manager = {
  query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as unknown,
} as unknown as EntityManager;
/** `Db.cursor` on the bare pool: the same statements on a client of its own. */
async function* cursor<T>(sql: string, params: unknown[], batchSize: number): AsyncGenerator<T[]> {
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN READ ONLY');
    open = true;
    await client.query('SET LOCAL cursor_tuple_fraction = 1');
    await client.query(`DECLARE rows NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query(`FETCH ${batchSize} FROM rows`);
      if (rows.length === 0) break;
      yield rows as T[];
    }
    await client.query('COMMIT');
    open = false;
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
const db = { manager, cursor } as unknown as Db;

const users = new UsersRepository(db);
const proposals = new ProposalsRepository(db);
const momentum = new MomentumRepository(db);
const transitions = new TransitionsRepository(db);
const statements = new StatementsRepository(db);
const reports = new ReportsRepository(db);

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://floor');
  if (url.pathname === '/health') return send(response, 200, { status: 'ok' });
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined || (await users.findActiveByTokenHash(hashToken(token))) === null) {
    return send(response, 401, { status: 401 });
  }
  const path = url.pathname.replace(/^\/api\/v1/, '');
  const asOf = url.searchParams.get('asOf') ?? today();
  let match: RegExpExecArray | null;
  if ((match = /^\/proposals\/([a-z0-9-]+)$/.exec(path))) {
    const proposal = await proposals.view(match[1], asOf, 365);
    if (proposal === null) return send(response, 404, { status: 404 });
    return send(response, 200, proposal);
  }
  if ((match = /^\/proposals\/([a-z0-9-]+)\/timeline$/.exec(path))) {
    const id = await proposals.idBySlug(match[1]);
    if (id === null) return send(response, 404, { status: 404 });
    const [history, about] = await Promise.all([transitions.history(id), statements.aboutProposal(id, false)]);
    return send(response, 200, { data: [...history, ...about] });
  }
  if (path === '/proposals') {
    const q = url.searchParams.get('q') ?? undefined;
    const status = url.searchParams.get('status')?.split(',') as never;
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const rows = await proposals.list(
      { q, status },
      q === undefined ? '-lastActivityOn' : 'relevance',
      limit,
      undefined,
    );
    const shown = await momentum.shownFor(
      rows.slice(0, limit).map((row) => row.id),
      asOf,
      365,
    );
    return send(response, 200, {
      data: rows.slice(0, limit).map((row) => ({ ...row.proposal, momentum: shown.get(row.id) ?? null })),
    });
  }
  if (path === '/reports/progress') {
    response.writeHead(200, { 'content-type': 'application/json' });
    let separator = '{"proposals":[';
    const windowDays = Number(url.searchParams.get('windowDays') ?? 365);
    for await (const rows of reports.progress(asOf, windowDays, {}, 'json', 2000)) {
      response.write(separator + rows.map((row) => row.line).join(','));
      separator = ',';
    }
    response.end(separator === ',' ? ']}' : '{"proposals":[]}');
    return;
  }
  return send(response, 404, { status: 404 });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => {
  process.stdout.write(`floor listening on ${process.env.PORT ?? 3100}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}
