import pg from 'pg';
import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import type { Db } from '../src/common/database/db.js';
import { auditInsertSql } from '../src/modules/audit/audit.repository.js';
import { MomentumRepository } from '../src/modules/proposals/momentum.repository.js';
import { ProposalsRepository } from '../src/modules/proposals/proposals.repository.js';
import { TransitionsRepository, withAppendedSql } from '../src/modules/proposals/transitions.repository.js';
import { ReportsRepository } from '../src/modules/reports/reports.repository.js';
import { StatementsRepository } from '../src/modules/statements/statements.repository.js';
import { runCommand } from './flags.js';

/**
 * `node dist/bench/explain.js` (DATABASE_URL set, e.g. after `npm run seed:synthetic`): prints
 * `EXPLAIN (ANALYZE, BUFFERS)` of the hot queries, taken from the repositories themselves.
 */
async function main(): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, options: '-c jit=off -c work_mem=32MB' });
  await client.connect();
  const plans: string[] = [];
  const explaining = {
    // A prepared query arrives as a pg query config: explained by its text.
    query: async (query: string | { text: string }, params?: unknown[]) => {
      const sql = typeof query === 'string' ? query : query.text;
      const rows = (await client.query(sql, params)).rows as unknown[];
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      plans.push(plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
      return rows;
    },
  } as unknown as EntityManager;
  // The report reads through a cursor: its query explained whole.
  async function* cursor(sql: string, params: unknown[]): AsyncGenerator<unknown[]> {
    yield await explaining.query<unknown[]>(sql, params);
  }
  // Reads in a snapshot of their own: here, in the one client's transaction.
  const inSnapshot = async <T>(work: (manager: EntityManager) => Promise<T>) => ({
    snapshot: '',
    result: await work(explaining),
  });
  const db = { manager: explaining, cursor, inSnapshot } as unknown as Db;
  const proposals = new ProposalsRepository(db);
  const momentum = new MomentumRepository(db);
  const reports = new ReportsRepository(db);
  const statements = new StatementsRepository(db);
  const transitions = new TransitionsRepository(db);
  const today = new Date().toISOString().slice(0, 10);
  const show = async (title: string, work: () => Promise<unknown>) => {
    plans.length = 0;
    await work();
    process.stdout.write(`\n### ${title}\n\n\`\`\`\n${plans.join('\n\n')}\n\`\`\`\n`);
  };
  const one = (await proposals.findBySlug('proposal-4242')) ?? (await proposals.findBySlug('proposal-42'));
  await show('GET /proposals/{slug}: the proposal with its momentum', () =>
    proposals.view(one?.slug ?? 'proposal-42', today, 365),
  );
  await show('GET /proposals?status=drafting,adopted&limit=50: the page', () =>
    proposals.list({ status: ['drafting', 'adopted'] }, '-lastActivityOn', 50, undefined),
  );
  await show('GET /proposals?q=multilateral: the page', () =>
    proposals.list({ q: 'multilateral' }, 'relevance', 20, undefined),
  );
  await show('the momentum and reasons of one page of 50 proposals', async () => {
    const page = await client.query(`SELECT id FROM proposals ORDER BY last_activity_on DESC LIMIT 50`);
    await momentum.shownFor(
      page.rows.map((row: { id: string }) => row.id),
      today,
      365,
    );
  });
  await show('GET /reports/progress', async () => {
    for await (const rows of reports.progress(today, 365, {}, 'json', 2000)) void rows;
  });
  await show(
    'GET /reports/progress, a kept copy brought up to date: the proposals changed since its snapshot, and their rows',
    async () => {
      // Twenty proposals changed after the copy's snapshot, in a transaction rolled back after.
      const { rows } = await client.query('SELECT pg_current_snapshot()::text AS snapshot');
      await client.query('BEGIN');
      try {
        await client.query(
          'UPDATE proposals SET title = title WHERE id IN (SELECT id FROM proposals ORDER BY id LIMIT 20)',
        );
        await reports.changesSince((rows[0] as { snapshot: string }).snapshot, today, 365, {}, 'json', 5000);
      } finally {
        await client.query('ROLLBACK');
      }
    },
  );
  // The writes, in a transaction rolled back afterwards: the database is left as it was.
  const [{ user, speaker }] = (
    await client.query(
      `SELECT (SELECT id FROM users LIMIT 1) AS user, a.slug AS speaker
         FROM actors a WHERE a.kind = 'person' LIMIT 1`,
    )
  ).rows as { user: string; speaker: string }[];
  const target = one ?? (await proposals.findBySlug('proposal-42'));
  if (target !== null) {
    await client.query('BEGIN');
    try {
      await show(
        'POST /statements: the proposals locked, the source, the statement, its stances, the proposals it moves and the audit row',
        () =>
          statements.create(
            {
              speaker,
              speakerRole: null,
              saidOn: today,
              event: null,
              quote: 'Words on multilateral security cooperation, for the plan.',
              summary: null,
              language: 'en',
              note: null,
              source: { url: 'https://plan.example/statement' },
              stances: [{ slug: target.slug, stance: 'supports' }],
              recordedBy: { id: user, name: 'plan' },
            },
            (param, id, after, from) =>
              auditInsertSql(
                param,
                { userId: user, requestId: null, action: 'create', entityType: 'statement' },
                id,
                after,
                from,
              ),
            explaining,
          ),
      );
      await show('POST /proposals/{slug}/transitions: the transition, the move and the audit row', () =>
        transitions.append(
          {
            proposalId: target.id,
            from: target.status,
            to: 'suspended',
            direction: 'suspend',
            occurredOn: today,
            note: 'for the plan',
            supersededById: null,
            recordedBy: user,
            sourceIds: [],
          },
          explaining,
          { furthestStatus: target.furthestStatus },
          // As the service writes a transition that cites nothing (as the bench's do).
          (param, row, from) =>
            auditInsertSql(
              param,
              { userId: user, requestId: null, action: 'transition', entityType: 'proposal' },
              param(target.slug),
              withAppendedSql(
                param,
                { status: 'suspended', statusSince: today, transition: { note: 'for the plan' } },
                row,
              ),
              from,
              param(JSON.stringify({ status: target.status })),
            ),
        ),
      );
    } finally {
      await client.query('ROLLBACK');
    }
  }
  await client.end();
}

runCommand(
  {
    name: 'explain',
    synopsis:
      'DATABASE_URL=… node dist/bench/explain.js\n\n' +
      'Prints EXPLAIN (ANALYZE, BUFFERS) of the hot queries on that database (its writes rolled back).',
    spec: {},
  },
  main,
);
