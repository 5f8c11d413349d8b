import fc from 'fast-check';
import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { firstDay } from '../../src/common/dates/partial-date.js';
import { connect } from '../../src/common/database/data-source.js';
import { Db } from '../../src/common/database/db.js';
import {
  MomentumRepository,
  momentumSql,
  reasonsSql,
  toMomentumRow,
} from '../../src/modules/proposals/momentum.repository.js';
import { ProposalsRepository } from '../../src/modules/proposals/proposals.repository.js';
import { deriveState } from '../../src/modules/proposals/workflow/derive-state.js';
import {
  explain,
  type MomentumFacts,
  momentumOf,
  type MomentumStatement,
  type MomentumTransition,
} from '../../src/modules/proposals/workflow/momentum.js';
import { STATUSES, type Status } from '../../src/modules/proposals/workflow/statuses.js';
import { decideTransition } from '../../src/modules/proposals/workflow/workflow.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { sqlParams } from '../../src/common/database/sql-params.js';

const STANCES = ['supports', 'opposes', 'neutral'] as const;
const BASE = Date.UTC(2018, 0, 1);
const DAY = 86_400_000;

/** A day `offset` days after 2018-01-01, written to the precision chosen. */
function dateAt(offset: number, precision: 0 | 1 | 2): string {
  const day = new Date(BASE + offset * DAY).toISOString().slice(0, 10);
  return precision === 0 ? day.slice(0, 4) : precision === 1 ? day.slice(0, 7) : day;
}

type Step = { kind: 'move'; to: Status; gap: number; precision: 0 | 1 | 2 } | { kind: 'retract' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      to: fc.constantFrom(...STATUSES),
      gap: fc.integer({ min: 0, max: 400 }),
      precision: fc.constantFrom(0 as const, 1 as const, 2 as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'retract' as const }) },
);

/** A history the API could have recorded: legal moves, world dates in order, retractions of the latest. */
function buildHistory(initial: 'floated' | 'proposed', start: number, steps: Step[]): MomentumTransition[] {
  const rows: MomentumTransition[] = [{ from: null, to: initial, direction: 'advance', occurredOn: dateAt(start, 2) }];
  let offset = start;
  for (const step of steps) {
    const standing = rows.filter((row) => !row.retracted);
    const latest = standing[standing.length - 1];
    if (step.kind === 'retract') {
      if (standing.length > 1) latest.retracted = true;
      continue;
    }
    const decision = decideTransition(latest.to, step.to);
    if (!decision.allowed) continue;
    offset += step.gap;
    let occurredOn = dateAt(offset, step.precision);
    // A coarser date may start before the latest standing one: keep the full day then.
    if (firstDay(occurredOn) < firstDay(latest.occurredOn)) occurredOn = dateAt(offset, 2);
    rows.push({ from: latest.to, to: step.to, direction: decision.direction, occurredOn, retracted: false });
  }
  return rows;
}

const caseArb = fc.record({
  initial: fc.constantFrom('floated' as const, 'proposed' as const),
  start: fc.integer({ min: 0, max: 1500 }),
  steps: fc.array(stepArb, { maxLength: 12 }),
  statements: fc.array(
    fc.record({
      // Boundaries matter most: some statements fall on or next to the window's ends.
      anchor: fc.constantFrom('free' as const, 'windowStart' as const, 'asOf' as const),
      delta: fc.integer({ min: -1, max: 1 }),
      offset: fc.integer({ min: 0, max: 3000 }),
      precision: fc.constantFrom(0 as const, 1 as const, 2 as const),
      stance: fc.constantFrom(...STANCES),
      retracted: fc.boolean(),
    }),
    { maxLength: 8 },
  ),
  asOfOffset: fc.integer({ min: 0, max: 3300 }),
  windowDays: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(365)),
  /** Put asOf on (or next to) a transition's first day, and the window's start on another's. */
  asOfAnchor: fc.option(fc.record({ index: fc.nat(), delta: fc.integer({ min: -1, max: 1 }) })),
  windowAnchor: fc.option(fc.record({ index: fc.nat(), delta: fc.integer({ min: -1, max: 1 }) })),
});

const dayNumber = (date: string): number => (Date.parse(`${firstDay(date)}T00:00:00Z`) - BASE) / DAY;

/** The parts of the facts both computations must agree on. */
function comparable(facts: MomentumFacts | null) {
  if (facts === null) return null;
  const move = (t: MomentumTransition) => ({
    from: t.from,
    to: t.to,
    direction: t.direction,
    occurredOn: t.occurredOn,
  });
  const { status, statusSince, furthestStatus, advanceCount, window, lastStatementOn } = facts;
  return {
    status,
    statusSince,
    furthestStatus,
    advanceCount,
    window,
    lastStatementOn,
    last: move(facts.last),
    advances: facts.advances.map(move),
  };
}

describe('momentum: the SQL of the report agrees with the pure function, reasons included', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let userId: string;
  let actorId: string;
  let sourceId: string;
  let proposals: ProposalsRepository;
  let momentum: MomentumRepository;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await connect(database.url);
    proposals = new ProposalsRepository(new Db(dataSource));
    momentum = new MomentumRepository(new Db(dataSource));
    [{ id: userId }] = await dataSource.query(
      `INSERT INTO users (name, role) VALUES ('generator', 'editor') RETURNING id`,
    );
    [{ id: actorId }] = await dataSource.query(
      `INSERT INTO actors (slug, kind, name) VALUES ('speaker', 'person', 'Speaker') RETURNING id`,
    );
    [{ id: sourceId }] = await dataSource.query(
      `INSERT INTO sources (dedup_key, publisher) VALUES ('pub:generated', 'Generated') RETURNING id`,
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function insert(
    transitions: MomentumTransition[],
    statements: MomentumStatement[],
  ): Promise<{ id: string; slug: string }> {
    // The proposal row as the service keeps it: status fields from the standing history (the
    // workflow's deriveState), activity and statement fields by the repository's own refresh.
    const state = deriveState(transitions.filter((t) => !t.retracted));
    const [{ id, slug }] = await dataSource.query(
      `INSERT INTO proposals (slug, title, proposed_on, status, status_since, furthest_status, last_activity_on,
                              last_from_status, last_direction)
       VALUES ('p-' || gen_random_uuid(), 'Generated', $1, $2, $3, $4, $3, $5, $6) RETURNING id, slug`,
      [
        transitions[0].occurredOn,
        state.status,
        state.statusSince,
        state.furthestStatus,
        state.lastFrom,
        state.lastDirection,
      ],
    );
    for (const [index, t] of transitions.entries()) {
      await dataSource.query(
        `INSERT INTO transitions (proposal_id, seq, from_status, to_status, direction, occurred_on, recorded_by,
                                  retracted_at, retracted_by, retraction_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7,
                 CASE WHEN $8 THEN now() END, CASE WHEN $8 THEN $7::uuid END, CASE WHEN $8 THEN 'generated' END)`,
        [id, index + 1, t.from, t.to, t.direction, t.occurredOn, userId, t.retracted === true],
      );
    }
    for (const s of statements) {
      const [{ id: statementId }] = await dataSource.query(
        `INSERT INTO statements (speaker_id, said_on, quote, source_id, recorded_by, retracted_at, retracted_by, retraction_reason)
         VALUES ($1, $2, 'generated', $3, $4, CASE WHEN $5 THEN now() END, CASE WHEN $5 THEN $4::uuid END,
                 CASE WHEN $5 THEN 'generated' END) RETURNING id`,
        [actorId, s.saidOn, sourceId, userId, s.retracted === true],
      );
      await dataSource.query(
        `INSERT INTO statement_proposals (statement_id, proposal_id, stance) VALUES ($1, $2, $3)`,
        [statementId, id, s.stance],
      );
    }
    await proposals.refreshActivity([id], dataSource.manager);
    return { id, slug };
  }

  it('on generated histories, retractions, statements, dates and windows', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const transitions = buildHistory(c.initial, c.start, c.steps);
        const pick = (index: number): number => dayNumber(transitions[index % transitions.length].occurredOn);
        const asOfDay =
          c.asOfAnchor === null ? c.asOfOffset : Math.max(0, pick(c.asOfAnchor.index) + c.asOfAnchor.delta);
        let windowDays = c.windowDays;
        if (c.windowAnchor !== null)
          windowDays = Math.max(1, asOfDay - pick(c.windowAnchor.index) + c.windowAnchor.delta);
        const statements = c.statements.map((s) => {
          const day =
            s.anchor === 'free'
              ? s.offset
              : Math.max(0, (s.anchor === 'asOf' ? asOfDay : asOfDay - windowDays) + s.delta);
          return {
            saidOn: dateAt(day, s.anchor === 'free' ? s.precision : 2),
            stance: s.stance,
            retracted: s.retracted,
          };
        });
        const { id, slug } = await insert(transitions, statements);
        const asOf = dateAt(asOfDay, 2);
        const { params, param } = sqlParams();
        const classes = momentumSql(param, asOf, windowDays, [id]);
        const rows = await dataSource.query(
          `SELECT m.*, ${reasonsSql('m', param(windowDays))} AS "sqlReasons" FROM (${classes}) m`,
          params,
        );
        const sql = rows.length === 0 ? null : toMomentumRow(rows[0]);
        const pure = momentumOf(transitions, statements, asOf, windowDays);
        expect(comparable(sql)).toEqual(comparable(pure?.facts ?? null));
        expect(sql?.momentum ?? null).toBe(pure?.momentum ?? null);
        if (sql !== null) {
          expect(explain(sql, windowDays)).toEqual(pure?.reasons);
          // The report writes its reasons in SQL: the same words.
          expect(rows[0].sqlReasons).toEqual(pure?.reasons);
        }
        // What the API shows: a proposal (GET /proposals/{slug}) and a page of the list.
        const shown = { momentum: pure?.momentum ?? null, momentumReasons: pure?.reasons ?? [], momentumAsOf: asOf };
        expect((await proposals.view(slug, asOf, windowDays))?.proposal).toMatchObject(shown);
        const listed = (await momentum.shownFor([id], asOf, windowDays)).get(id);
        expect({ momentum: listed?.momentum ?? null, momentumReasons: listed?.reasons ?? [] }).toEqual({
          momentum: shown.momentum,
          momentumReasons: shown.momentumReasons,
        });
        compared += 1;
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThanOrEqual(300);
  });
});
