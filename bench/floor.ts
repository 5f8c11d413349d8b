import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import 'reflect-metadata';
import { hashToken } from '../src/common/auth/tokens.js';
import type { AuthenticatedUser } from '../src/common/auth/auth.decorators.js';
import { today } from '../src/common/dates/partial-date.js';
import { toProblem } from '../src/common/errors/to-problem.js';
import type { ListProposalsQueryDto } from '../src/modules/proposals/dto/proposals.dto.js';
import type { TransitionProposalDto } from '../src/modules/proposals/dto/transitions.dto.js';
import type { Status } from '../src/modules/proposals/workflow/statuses.js';
import type { ListChangesQueryDto } from '../src/modules/audit/dto/change.dto.js';
import type { CreateStatementDto } from '../src/modules/statements/dto/statements.dto.js';
import { bareDb, barePool, bareServices } from './bare.js';

/**
 * The floor the service is measured against: plain `node:http` and `pg`, running the service's own
 * use cases — its services and repositories, handed a bare pool instead of TypeORM — for the same
 * requests, and answering what they return as JSON. No framework, no ORM, no validation.
 */
const pool = barePool(process.env.DATABASE_URL, Number(process.env.DB_POOL_SIZE ?? 10));
const { users, proposals, workflow, statements, timeline, progress, sources, audit, positions } = bareServices(
  bareDb(pool),
);

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

/**
 * The users of the tokens found valid, by hash. The service asks the database who a token belongs
 * to only when it has not found it valid since tokens or users last changed (its `TokenCache`), and
 * nothing changes them during a run: the floor, too, asks once per token.
 */
const knownTokens = new Map<string, AuthenticatedUser>();

async function userOf(token: string | undefined): Promise<AuthenticatedUser | null> {
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
  const context = { requestId: randomUUID(), userId: user.id };
  if (request.method === 'POST') {
    if (path === '/statements') {
      return send(response, 201, await statements.create(await bodyOf<CreateStatementDto>(request), user, context));
    }
    if ((match = /^\/proposals\/([a-z0-9-]+)\/transitions$/.exec(path))) {
      const input = await bodyOf<TransitionProposalDto>(request);
      return send(response, 201, await workflow.transition(match[1], input, user, context));
    }
    return send(response, 404, { status: 404 });
  }
  if ((match = /^\/proposals\/([a-z0-9-]+)$/.exec(path))) {
    return send(response, 200, await proposals.view(match[1]));
  }
  if ((match = /^\/proposals\/([a-z0-9-]+)\/positions$/.exec(path))) {
    // JSON text already, as the service sends it.
    const text = await positions.ofProposal(match[1], { asOf: url.searchParams.get('asOf') ?? undefined });
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
    return;
  }
  if ((match = /^\/proposals\/([a-z0-9-]+)\/timeline$/.exec(path))) {
    return send(response, 200, { data: await timeline.timeline(match[1], false) });
  }
  if (path === '/proposals') {
    const query = {
      q: url.searchParams.get('q') ?? undefined,
      status: url.searchParams.get('status')?.split(',') as Status[] | undefined,
      asOf: url.searchParams.get('asOf') ?? undefined,
      limit: Number(url.searchParams.get('limit') ?? 20),
    } as ListProposalsQueryDto;
    return send(response, 200, await proposals.list(query));
  }
  if (path === '/changes') {
    const query: ListChangesQueryDto = {
      limit: Number(url.searchParams.get('limit') ?? 100),
      after: url.searchParams.get('after') ?? undefined,
    };
    return send(response, 200, await audit.changes(query));
  }
  if ((match = /^\/sources\/([0-9a-f-]{36})$/.exec(path))) {
    return send(response, 200, await sources.get(match[1]));
  }
  if (path === '/reports/progress') {
    response.writeHead(200, { 'content-type': 'application/json' });
    let separator = '{"proposals":[';
    const windowDays = Number(url.searchParams.get('windowDays') ?? 365);
    for await (const rows of progress.progress(asOf, windowDays, {}, 'json', 2000)) {
      response.write(separator + rows.map((row) => row.line).join(','));
      separator = ',';
    }
    response.end(separator === ',' ? ']}' : '{"proposals":[]}');
    return;
  }
  return send(response, 404, { status: 404 });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    const { problem } = toProblem(error);
    send(response, problem.status, problem);
  });
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
