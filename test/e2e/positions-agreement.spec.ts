import fc from 'fast-check';
import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { connect } from '../../src/common/database/data-source.js';
import { Db } from '../../src/common/database/db.js';
import { PositionsRepository, reportSql } from '../../src/modules/positions/positions.repository.js';
import {
  PARTICIPATION_ACTIONS,
  type Position,
  type PositionAct,
  type PositionStatement,
  positionsOf,
} from '../../src/modules/positions/positions.js';
import { stanceCountsSql } from '../../src/modules/proposals/stance-counts-sql.js';
import { createTestDatabase } from '../helpers/test-database.js';

const STANCES = ['supports', 'opposes', 'neutral'] as const;
const ROLES = ['proposer', 'co-proposer', 'backer'] as const;
const CERTAINTIES = ['stated', 'inferred', 'approximate', 'not-after'] as const;
const ACTORS = 5;
const BASE = Date.UTC(2019, 0, 1);
const DAY = 86_400_000;

/** A day `offset` days after 2019-01-01, written to the precision chosen. */
function dateAt(offset: number, precision: 0 | 1 | 2): string {
  const day = new Date(BASE + offset * DAY).toISOString().slice(0, 10);
  return precision === 0 ? day.slice(0, 4) : precision === 1 ? day.slice(0, 7) : day;
}

const dated = {
  offset: fc.integer({ min: 0, max: 2000 }),
  precision: fc.constantFrom(0 as const, 1 as const, 2 as const),
  certainty: fc.constantFrom(...CERTAINTIES),
  // Few distinct logging times, so that ties on the day and on the time both happen.
  recorded: fc.integer({ min: 0, max: 5 }),
  retracted: fc.boolean(),
};

const caseArb = fc.record({
  proposers: fc.uniqueArray(fc.record({ actor: fc.nat(ACTORS - 1), role: fc.constantFrom(...ROLES) }), {
    selector: (p) => p.actor,
    maxLength: 3,
  }),
  statements: fc.array(
    fc.record({
      ...dated,
      speaker: fc.nat(ACTORS - 1),
      onBehalfOf: fc.option(fc.nat(ACTORS - 1)),
      stance: fc.constantFrom(...STANCES),
    }),
    { maxLength: 12 },
  ),
  acts: fc.array(
    fc.record({ ...dated, actor: fc.nat(ACTORS - 1), action: fc.constantFrom(...PARTICIPATION_ACTIONS) }),
    { maxLength: 6 },
  ),
  asOfOffset: fc.integer({ min: -30, max: 2100 }),
});

describe('positions: the SQL agrees with the pure function', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let positions: PositionsRepository;
  let userId: string;
  let sourceId: string;
  const actors: { id: string; slug: string }[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await connect(database.url);
    positions = new PositionsRepository(new Db(dataSource));
    [{ id: userId }] = await dataSource.query(
      `INSERT INTO users (name, role) VALUES ('generator', 'editor') RETURNING id`,
    );
    [{ id: sourceId }] = await dataSource.query(
      `INSERT INTO sources (dedup_key, publisher) VALUES ('pub:generated', 'Generated') RETURNING id`,
    );
    for (let i = 0; i < ACTORS; i += 1) {
      const [row] = await dataSource.query(
        `INSERT INTO actors (slug, kind, name) VALUES ($1, $2, $1) RETURNING id, slug`,
        [`actor-${i}`, i % 2 === 0 ? 'state' : 'person'],
      );
      actors.push(row as { id: string; slug: string });
    }
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const recordedAt = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
  const basis = (certainty: string): string | null => (certainty === 'stated' ? null : 'generated');

  it('on generated statements (for themselves and on behalf of others), acts, retractions and dates', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const [{ id: proposalId, slug }] = await dataSource.query(
          `INSERT INTO proposals (slug, title, proposed_on, status, status_since, furthest_status, last_activity_on)
           VALUES ('p-' || gen_random_uuid(), 'Generated', '2019-01-01', 'proposed', '2019-01-01', 'proposed', '2019-01-01')
           RETURNING id, slug`,
        );
        for (const p of c.proposers) {
          await dataSource.query(`INSERT INTO proposal_actors (proposal_id, actor_id, role) VALUES ($1, $2, $3)`, [
            proposalId,
            actors[p.actor].id,
            p.role,
          ]);
        }
        const statements: PositionStatement[] = [];
        for (const s of c.statements) {
          const onBehalfOf = s.onBehalfOf === null || s.onBehalfOf === s.speaker ? null : s.onBehalfOf;
          const saidOn = dateAt(s.offset, s.precision);
          const [{ id }] = await dataSource.query(
            `INSERT INTO statements (speaker_id, on_behalf_of, said_on, said_on_certainty, said_on_basis, quote, source_id,
                                     recorded_by, created_at, retracted_at, retracted_by, retraction_reason)
             VALUES ($1, $2, $3, $4, $5, 'generated', $6, $7, $8, CASE WHEN $9 THEN now() END,
                     CASE WHEN $9 THEN $7::uuid END, CASE WHEN $9 THEN 'generated' END) RETURNING id`,
            [
              actors[s.speaker].id,
              onBehalfOf === null ? null : actors[onBehalfOf].id,
              saidOn,
              s.certainty,
              basis(s.certainty),
              sourceId,
              userId,
              recordedAt(s.recorded),
              s.retracted,
            ],
          );
          await dataSource.query(
            `INSERT INTO statement_proposals (statement_id, proposal_id, stance) VALUES ($1, $2, $3)`,
            [id, proposalId, s.stance],
          );
          statements.push({
            id,
            speaker: actors[s.speaker].slug,
            onBehalfOf: onBehalfOf === null ? null : actors[onBehalfOf].slug,
            stance: s.stance,
            saidOn,
            saidOnCertainty: s.certainty,
            saidOnBasis: basis(s.certainty),
            recordedAt: recordedAt(s.recorded),
            retracted: s.retracted,
          });
        }
        const acts: PositionAct[] = [];
        for (const a of c.acts) {
          const occurredOn = dateAt(a.offset, a.precision);
          const [{ id }] = await dataSource.query(
            `INSERT INTO participation (proposal_id, actor_id, action, occurred_on, occurred_on_certainty, occurred_on_basis,
                                        recorded_at, recorded_by, retracted_at, retracted_by, retraction_reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9 THEN now() END, CASE WHEN $9 THEN $8::uuid END,
                     CASE WHEN $9 THEN 'generated' END) RETURNING id`,
            [
              proposalId,
              actors[a.actor].id,
              a.action,
              occurredOn,
              a.certainty,
              basis(a.certainty),
              recordedAt(a.recorded),
              userId,
              a.retracted,
            ],
          );
          acts.push({
            id,
            actor: actors[a.actor].slug,
            action: a.action,
            occurredOn,
            occurredOnCertainty: a.certainty,
            occurredOnBasis: basis(a.certainty),
            recordedAt: recordedAt(a.recorded),
            retracted: a.retracted,
          });
        }
        const asOf = new Date(BASE + c.asOfOffset * DAY).toISOString().slice(0, 10);
        const proposers = c.proposers.map((p) => ({ actor: actors[p.actor].slug, role: p.role }));
        const pure = asOf < '2019-01-01' ? [] : positionsOf({ proposers, statements, acts }, asOf);

        const found = await positions.ofProposal(slug, asOf);
        expect(found?.existed).toBe(asOf >= '2019-01-01');
        const shown = JSON.parse(found?.positions ?? '[]') as (Omit<Position, 'actor'> & { actor: { slug: string } })[];
        const sql: Position[] = shown
          .map(({ actor, ...rest }) => ({ ...rest, actor: actor.slug }))
          .sort((a, b) => (a.actor < b.actor ? -1 : 1));
        expect(sql).toEqual(pure);

        // The report's rows for the proposal are the same positions.
        const { sql: report, params } = reportSql(asOf, { proposalId }, 'json');
        const lines: { line: string }[] = await dataSource.query(report, params);
        const reported = lines
          .map((row) => JSON.parse(row.line) as Position & { actor: { slug: string }; proposal: unknown })
          .map(({ actor, proposal: _proposal, ...rest }) => ({ ...rest, actor: actor.slug }))
          .sort((a, b) => (a.actor < b.actor ? -1 : 1));
        expect(reported).toEqual(pure);

        // The summary a proposal shows, and the report's actor counts, count the same stances.
        const [counts] = await dataSource.query(`SELECT * FROM (${stanceCountsSql('$1::uuid', '$2::date')}) c`, [
          proposalId,
          asOf,
        ]);
        const by = (stance: string): number => pure.filter((p) => p.stance === stance).length;
        expect({
          supporting: Number(counts.supporting),
          opposing: Number(counts.opposing),
          neutral: Number(counts.neutral),
        }).toEqual({
          supporting: by('supports'),
          opposing: by('opposes'),
          neutral: by('neutral'),
        });
        compared += 1;
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThanOrEqual(150);
  });
});
