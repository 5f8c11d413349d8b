import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import type { Db } from '../src/common/database/db.js';
import { bareServices } from './bare.js';
import { runCommand } from './flags.js';

const OUT = 'bench/plans';

/**
 * `npm run bench:explain` (DATABASE_URL set, e.g. after `npm run seed:synthetic`): runs the hot
 * requests' use cases — the service's own services, on one connection, in a transaction rolled
 * back at the end — and writes `EXPLAIN (ANALYZE, BUFFERS)` of every query they send to
 * `bench/plans/<request>.txt`. Each plan is taken inside a savepoint rolled back before the query
 * itself runs, so a write's plan leaves nothing behind.
 */
async function main(): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, options: '-c jit=off -c work_mem=32MB' });
  await client.connect();
  let plans: string[] = [];
  const manager = {
    query: async (sql: string, params?: unknown[]) => {
      await client.query('SAVEPOINT plan');
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      await client.query('ROLLBACK TO SAVEPOINT plan');
      plans.push(`${sql.trim()}\n\n${plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')}`);
      const result = await client.query(sql, params);
      return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
    },
  } as unknown as EntityManager;
  const db = {
    manager,
    transaction: <T>(work: (inside: EntityManager) => Promise<T>) => work(manager),
    prepared: (sql: string, params: unknown[]) => manager.query(sql, params),
    // A cursor's query explained whole, its rows read at once.
    async *cursor(sql: string, params: unknown[]): AsyncGenerator<unknown[]> {
      yield await manager.query<unknown[]>(sql, params);
    },
  } as unknown as Db;
  const { proposals, workflow, statements, timeline, progress } = bareServices(db);
  await client.query('BEGIN');
  try {
    const [admin] = (await client.query(`SELECT id, name, role FROM users ORDER BY role = 'admin' DESC, name LIMIT 1`))
      .rows as {
      id: string;
      name: string;
      role: 'admin' | 'editor';
    }[];
    const [one] = (await client.query(`SELECT slug FROM proposals ORDER BY slug LIMIT 1 OFFSET 42`)).rows as {
      slug: string;
    }[];
    const [active] = (await client.query(`SELECT slug FROM proposals WHERE status = 'drafting' ORDER BY slug LIMIT 1`))
      .rows as { slug: string }[];
    const [speaker] = (await client.query(`SELECT slug FROM actors ORDER BY slug LIMIT 1`)).rows as { slug: string }[];
    if (admin === undefined || one === undefined || speaker === undefined) {
      throw new Error('the database holds no data to explain: run npm run seed:synthetic first');
    }
    const context = { requestId: 'explain', userId: admin.id };
    const scenarios: [string, () => Promise<unknown>][] = [
      ['get-proposal', () => proposals.view(one.slug)],
      ['list-proposals-by-status', () => proposals.list({ status: ['drafting', 'adopted'], limit: 50 })],
      ['search-proposals', () => proposals.list({ q: 'multilateral', limit: 20 })],
      ['timeline', () => timeline.timeline(one.slug, false)],
      ['progress-report', () => progress.progress(new Date().toISOString().slice(0, 10), 365, {}, 'json', 1000).next()],
      [
        'post-statement',
        () =>
          statements.create(
            {
              speaker: speaker.slug,
              saidOn: new Date().toISOString().slice(0, 10),
              quote: 'For the plan.',
              source: { publisher: 'Explain' },
              proposals: [{ slug: one.slug, stance: 'supports' }],
            },
            admin,
            context,
          ),
      ],
    ];
    if (active !== undefined) {
      scenarios.push([
        'post-transition',
        () =>
          workflow.transition(
            active.slug,
            { to: 'suspended', occurredOn: new Date().toISOString().slice(0, 10) },
            admin,
            context,
          ),
      ]);
    }
    await mkdir(OUT, { recursive: true });
    for (const [name, work] of scenarios) {
      plans = [];
      await work();
      const file = path.join(OUT, `${name}.txt`);
      await writeFile(file, `${plans.join('\n\n----\n\n')}\n`);
      process.stdout.write(`${file}: ${plans.length} queries\n`);
    }
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}

runCommand(
  {
    name: 'bench:explain',
    synopsis:
      'DATABASE_URL=… npm run bench:explain\n\n' +
      `Writes EXPLAIN (ANALYZE, BUFFERS) of every query of the hot requests to ${OUT}/ (their writes rolled back).`,
    spec: {},
  },
  main,
);
