import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import { hashToken } from '../src/common/auth/tokens.js';
import { today } from '../src/common/dates/partial-date.js';
import type { Db } from '../src/common/database/db.js';
import { auditInsertSql } from '../src/modules/audit/audit.repository.js';
import { MomentumRepository } from '../src/modules/proposals/momentum.repository.js';
import { ProposalsRepository } from '../src/modules/proposals/proposals.repository.js';
import { TransitionsRepository, withAppendedSql } from '../src/modules/proposals/transitions.repository.js';
import { isOutOfOrder } from '../src/modules/proposals/workflow/derive-state.js';
import { furthestOf, type Status } from '../src/modules/proposals/workflow/statuses.js';
import { decideTransition } from '../src/modules/proposals/workflow/workflow.js';
import { ReportsRepository } from '../src/modules/reports/reports.repository.js';
import type { CreateStatementDto } from '../src/modules/statements/dto/statements.dto.js';
import { StatementsRepository } from '../src/modules/statements/statements.repository.js';
import { UsersRepository } from '../src/modules/users/users.repository.js';
import { barePool, managerOn, recordStatement } from './bare.js';

/**
 * The floor the service is measured against: plain `node:http` and `pg`, running the very SQL the
 * service runs for the same request — the repositories themselves, handed a bare pool instead of
 * TypeORM — and answering the rows as JSON. No framework, no ORM, no validation, no DTO mapping.
 */
const pool = barePool(process.env.DATABASE_URL, Number(process.env.DB_POOL_SIZE ?? 10));
const poolManager = managerOn(pool, false);
const open = new AsyncLocalStorage<EntityManager>();

/** `Db.transaction` on the bare pool: BEGIN, the work on one connection, COMMIT (ROLLBACK on a throw). */
async function transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('START TRANSACTION');
    const manager = managerOn(client, true);
    const result = await open.run(manager, () => work(manager));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
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
const db = {
  get manager() {
    return open.getStore() ?? poolManager;
  },
  cursor,
} as unknown as Db;

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

async function bodyOf<T>(request: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

/** POST /statements: the service's one SQL statement, with its audit row. */
async function createStatement(request: IncomingMessage, user: { id: string; name: string }): Promise<unknown> {
  return recordStatement(statements, await bodyOf<CreateStatementDto>(request), user, randomUUID());
}

/**
 * POST /proposals/:slug/transitions, as the service runs it without citations: in one
 * transaction, the proposal locked, the move checked, and the transition appended and audited in
 * one statement.
 * Null when the proposal is not there or the move is refused.
 */
async function transition(
  slug: string,
  request: IncomingMessage,
  user: { id: string; name: string },
): Promise<unknown> {
  const input = await bodyOf<{ to: Status; occurredOn: string; note?: string }>(request);
  const requestId = randomUUID();
  return transaction(async (manager) => {
    const proposal = await proposals.lockBySlug(slug, manager);
    if (proposal === null) return null;
    const decision = decideTransition(proposal.status, input.to);
    if (!decision.allowed || isOutOfOrder(input.occurredOn, proposal.statusSince)) return null;
    const shown = (appended: { id: string; seq: number; recordedAt: string }) => ({
      ...appended,
      from: proposal.status,
      to: input.to,
      direction: decision.direction,
      occurredOn: input.occurredOn,
      note: input.note ?? null,
      sources: [],
      statements: [],
      supersededBy: null,
      recordedBy: { id: user.id, name: user.name },
    });
    const after = (transition: unknown) => ({ status: input.to, statusSince: input.occurredOn, transition });
    const appended = await transitions.append(
      {
        proposalId: proposal.id,
        from: proposal.status,
        to: input.to,
        direction: decision.direction,
        occurredOn: input.occurredOn,
        note: input.note ?? null,
        supersededById: null,
        recordedBy: user.id,
        sourceIds: [],
        statementIds: [],
      },
      manager,
      { furthestStatus: furthestOf(proposal.furthestStatus, input.to) },
      (param, row, from) =>
        auditInsertSql(
          param,
          { userId: user.id, requestId, action: 'transition', entityType: 'proposal' },
          param(proposal.slug),
          withAppendedSql(param, after(shown({ id: '', seq: 0, recordedAt: '' })), row),
          from,
          param(JSON.stringify({ status: proposal.status, statusSince: proposal.statusSince })),
        ),
    );
    const recorded = shown({ ...appended, recordedAt: appended.recordedAt.toISOString() });
    return recorded;
  });
}

/**
 * The users of the tokens found valid, by hash. The service asks the database who a token belongs
 * to only when it has not found it valid since tokens or users last changed (its `TokenCache`), and
 * nothing changes them during a run: the floor, too, asks once per token.
 */
const knownTokens = new Map<string, Awaited<ReturnType<UsersRepository['findActiveByTokenHash']>>>();

async function userOf(token: string | undefined): Promise<{ id: string; name: string } | null> {
  if (token === undefined) return null;
  const hash = hashToken(token);
  const known = knownTokens.get(hash);
  if (known !== undefined) return known;
  const found = await users.findActiveByTokenHash(hash);
  if (found !== null) knownTokens.set(hash, found);
  return found;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://floor');
  if (url.pathname === '/health') return send(response, 200, { status: 'ok' });
  const user = await userOf(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]);
  if (user === null) return send(response, 401, { status: 401 });
  const path = url.pathname.replace(/^\/api\/v1/, '');
  const asOf = url.searchParams.get('asOf') ?? today();
  let match: RegExpExecArray | null;
  if (request.method === 'POST') {
    if (path === '/statements') {
      const created = await createStatement(request, user);
      return send(response, created === null ? 422 : 201, created ?? { status: 422 });
    }
    if ((match = /^\/proposals\/([a-z0-9-]+)\/transitions$/.exec(path))) {
      const recorded = await transition(match[1], request, user);
      return send(response, recorded === null ? 422 : 201, recorded ?? { status: 422 });
    }
    return send(response, 404, { status: 404 });
  }
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
