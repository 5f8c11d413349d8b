import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/common/config/app-config.js';
import { BULK_POOL, connect, runMigrations } from '../src/common/database/data-source.js';
import { resolveDatabase } from '../src/common/database/database-url.js';
import { Db } from '../src/common/database/db.js';
import { ProposalsRepository } from '../src/modules/proposals/proposals.repository.js';
import type { StandingTransition } from '../src/modules/proposals/transitions.repository.js';
import { deriveState } from '../src/modules/proposals/workflow/derive-state.js';
import { ACTIVE_STATUSES, STATUSES, type Status } from '../src/modules/proposals/workflow/statuses.js';
import { decideTransition } from '../src/modules/proposals/workflow/workflow.js';
import { type Flags, type FlagSpec, runCommand } from './flags.js';
import { seededRandom } from './seeded-random.js';

export interface SyntheticSize {
  proposals: number;
  statements: number;
  transitions: number;
  actors: number;
  /** Participation acts (contract §6); the first 1,000 (at most one per proposal) are `actor-0`'s. */
  participation: number;
}

export const QUICK_SIZE: SyntheticSize = {
  proposals: 10_000,
  statements: 100_000,
  transitions: 50_000,
  actors: 500,
  participation: 20_000,
};

/** The actor whose positions span the most proposals: it performs an act toward this many. */
export const BUSY_ACTOR = { slug: 'actor-0', proposals: 1000 };

const ACTIONS = ['endorsed', 'signed', 'ratified', 'joined', 'observer', 'partner', 'left'] as const;

const WORDS = (
  'security architecture eurasian partnership multilateralism multilateral cooperation dialogue integration ' +
  'sovereignty region charter organization summit ministers framework initiative development stability ' +
  'confidence measures transformation institutions solidarity council declaration treaty consultations ' +
  'energy transport corridor trade sanctions terrorism extremism cyber information threats center ' +
  'agreement ratification members observers expansion platform network collective indivisible equal'
).split(' ');
const PLACES = ['Astana', 'Minsk', 'Moscow', 'Beijing', 'Tashkent', 'Bishkek', 'Dushanbe', 'Baku', 'Almaty', 'Delhi'];
const PUBLISHERS = [
  'TASS',
  'BelTA',
  'Kazinform',
  'News.Az',
  'Xinhua',
  'RIA Novosti',
  'Trend',
  'Kun.uz',
  'Zakon',
  'Interfax',
];
const STANCES = ['supports', 'supports', 'supports', 'neutral', 'opposes'] as const;
const DAY = 86_400_000;
const START = Date.UTC(1995, 0, 1);
const SPAN_DAYS = 11_600; // to 2026

/** Rows per multi-row insert: large enough to amortize round trips, small enough for memory. */
const BATCH = 5_000;

interface Rng {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(items: readonly T[]) => T;
}

function rng(seed: number): Rng {
  // Deterministic, so a size always gives the same data.
  const next = seededRandom(seed);
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** A date `day` days after 1995-01-01, at a precision chosen mostly as day, sometimes month or year. */
function partialDate(day: number, r: Rng): string {
  const iso = new Date(START + day * DAY).toISOString().slice(0, 10);
  const roll = r.next();
  return roll < 0.1 ? iso.slice(0, 4) : roll < 0.3 ? iso.slice(0, 7) : iso;
}

const firstDayMs = (date: string): number =>
  Date.parse(`${date.length === 4 ? `${date}-01-01` : date.length === 7 ? `${date}-01` : date}T00:00:00Z`);

function sentence(r: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i += 1) out.push(r.pick(WORDS));
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Generated dates are all stated (the columns' default). */
interface Transition extends Omit<StandingTransition, 'occurredOnCertainty' | 'occurredOnBasis'> {
  retracted: boolean;
}

/**
 * A history the API could have recorded: legal moves in world-date order, now and then the
 * latest standing transition retracted (as an editor would), never the creation.
 */
function history(r: Rng, length: number, startDay: number): Transition[] {
  const rows: Transition[] = [];
  let day = startDay;
  const first: Status = r.next() < 0.3 ? 'floated' : 'proposed';
  rows.push({
    id: randomUUID(),
    seq: 1,
    from: null,
    to: first,
    direction: 'advance',
    occurredOn: partialDate(day, r),
    retracted: false,
  });
  let attempts = 0;
  while (rows.length < length && attempts < length * 10) {
    attempts += 1;
    const standing = rows.filter((row) => !row.retracted);
    const latest = standing[standing.length - 1];
    if (r.next() < 0.04 && standing.length > 1) {
      latest.retracted = true;
      continue;
    }
    // Mostly forward through the active stages, sometimes elsewhere.
    const to: Status =
      r.next() < 0.7
        ? (ACTIVE_STATUSES[Math.min(ACTIVE_STATUSES.length - 1, ACTIVE_STATUSES.indexOf(latest.to as never) + 1)] ??
          r.pick(STATUSES))
        : r.pick(STATUSES);
    const decision = decideTransition(latest.to, to);
    if (!decision.allowed || (decision.role === 'editor' && r.next() < 0.5)) continue;
    // Spread the rest of the history over the time left, so dates do not pile up at the end.
    day = Math.min(SPAN_DAYS, day + 1 + r.int(Math.max(1, Math.round((SPAN_DAYS - day) / length))));
    let occurredOn = partialDate(day, r);
    if (firstDayMs(occurredOn) < firstDayMs(latest.occurredOn))
      occurredOn = new Date(START + day * DAY).toISOString().slice(0, 10);
    rows.push({
      id: randomUUID(),
      seq: rows.length + 1,
      from: latest.to,
      to,
      direction: decision.direction,
      occurredOn,
      retracted: false,
    });
  }
  return rows;
}

/** Inserts rows column by column through unnest: one round trip per batch. */
async function insertColumns(
  db: DataSource,
  table: string,
  columns: { name: string; type: string }[],
  rows: unknown[][],
): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += BATCH) {
    const batch = rows.slice(offset, offset + BATCH);
    const arrays = columns.map((_, index) => batch.map((row) => row[index]));
    const unnest = columns.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ');
    await db.query(
      `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${unnest})`,
      arrays,
    );
  }
}

export interface GenerateReport {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Fills an empty, migrated database with `size` of realistic, valid data: histories that obey
 * the workflow, partial dates of every precision, mixed stances, retractions, quotes of realistic
 * length; then derives each proposal's status fields as the service would.
 */
export async function generate(
  db: DataSource,
  size: SyntheticSize,
  progress: (line: string) => void = () => undefined,
): Promise<GenerateReport> {
  const started = Date.now();
  const r = rng(size.proposals * 31 + size.statements);
  let written = 0;
  const tick = (what: string, done: number, total: number): void => {
    const seconds = (Date.now() - started) / 1000;
    progress(
      `${what}: ${done}/${total} · ${written} rows in ${seconds.toFixed(1)} s (${Math.round(written / Math.max(seconds, 0.001))} rows/s)`,
    );
  };

  const [{ id: userId }] = await db.query(
    `INSERT INTO users (name, role) VALUES ('synthetic', 'editor')
     ON CONFLICT ON CONSTRAINT uq_users_name DO UPDATE SET name = EXCLUDED.name RETURNING id`,
  );

  // Actors: states, organizations (the forums), people (the speakers).
  const actors = Array.from({ length: size.actors }, (_, i) => {
    const kind = i % 10 < 2 ? 'state' : i % 10 < 4 ? 'organization' : 'person';
    return [
      randomUUID(),
      `actor-${i}`,
      kind,
      `${kind === 'person' ? 'Person' : kind === 'state' ? 'State' : 'Organization'} ${i} ${r.pick(WORDS)}`,
    ];
  });
  await insertColumns(
    db,
    'actors',
    [
      { name: 'id', type: 'uuid' },
      { name: 'slug', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'name', type: 'text' },
    ],
    actors,
  );
  written += actors.length;
  const states = actors.filter((a) => a[2] === 'state').map((a) => a[0]);
  const organizations = actors.filter((a) => a[2] === 'organization').map((a) => a[0]);
  const people = actors.filter((a) => a[2] === 'person').map((a) => a[0]);
  tick('actors', actors.length, size.actors);

  const sources = Array.from({ length: Math.max(1, Math.round(size.statements / 5)) }, (_, i) => {
    const publisher = r.pick(PUBLISHERS);
    return [
      randomUUID(),
      `url:https://news.example/${publisher.toLowerCase().replace(/\W/g, '')}/${i}`,
      `https://news.example/${i}`,
      publisher,
    ];
  });
  await insertColumns(
    db,
    'sources',
    [
      { name: 'id', type: 'uuid' },
      { name: 'dedup_key', type: 'text' },
      { name: 'url', type: 'text' },
      { name: 'publisher', type: 'text' },
    ],
    sources,
  );
  written += sources.length;

  const events = Array.from({ length: Math.max(1, Math.round(size.proposals / 20)) }, (_, i) => [
    randomUUID(),
    `event-${i}`,
    `${r.pick(PLACES)} ${r.pick(['summit', 'forum', 'conference', 'roundtable'])} ${i}`,
    r.pick(['summit', 'conference', 'roundtable', 'meeting']),
    partialDate(r.int(SPAN_DAYS), r),
  ]);
  await insertColumns(
    db,
    'events',
    [
      { name: 'id', type: 'uuid' },
      { name: 'slug', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'starts_on', type: 'partial_date' },
    ],
    events,
  );
  written += events.length;

  // Proposals with their histories, in batches.
  const perProposal = Math.max(1, size.transitions / size.proposals);
  const proposalIds: string[] = [];
  const firstDays: number[] = [];
  let transitionsWritten = 0;
  for (let offset = 0; offset < size.proposals; offset += BATCH) {
    const proposals: unknown[][] = [];
    const transitions: unknown[][] = [];
    const proposers: unknown[][] = [];
    const forums: unknown[][] = [];
    for (let i = offset; i < Math.min(size.proposals, offset + BATCH); i += 1) {
      const id = randomUUID();
      const startDay = r.int(SPAN_DAYS - 400);
      const length = Math.max(1, Math.round(perProposal * (0.4 + r.next() * 1.2)));
      const rows = history(r, length, startDay);
      const state = deriveState(rows.filter((row) => !row.retracted));
      proposalIds.push(id);
      firstDays.push(startDay);
      proposals.push([
        id,
        `proposal-${i}`,
        `${sentence(r, 3).slice(0, -1)} initiative ${i}`,
        sentence(r, 25),
        rows[0].occurredOn,
        state.status,
        state.statusSince,
        state.furthestStatus,
        state.statusSince,
        r.pick(['security', 'energy', 'trade', 'cyber', 'transport', 'health']),
        state.lastFrom,
        state.lastDirection,
      ]);
      for (const row of rows) {
        transitions.push([row.id, id, row.seq, row.from, row.to, row.direction, row.occurredOn, userId, row.retracted]);
      }
      proposers.push([id, r.pick(states.length ? states : people), 'proposer']);
      if (organizations.length) forums.push([id, r.pick(organizations)]);
    }
    await insertProposals(db, proposals);
    await insertTransitions(db, transitions);
    await insertColumns(
      db,
      'proposal_actors',
      [
        { name: 'proposal_id', type: 'uuid' },
        { name: 'actor_id', type: 'uuid' },
        { name: 'role', type: 'text' },
      ],
      proposers,
    );
    await insertColumns(
      db,
      'proposal_forums',
      [
        { name: 'proposal_id', type: 'uuid' },
        { name: 'actor_id', type: 'uuid' },
      ],
      forums,
    );
    transitionsWritten += transitions.length;
    written += proposals.length + transitions.length + proposers.length + forums.length;
    tick('proposals', Math.min(size.proposals, offset + BATCH), size.proposals);
  }

  // Statements: one to three proposals each, realistic quote lengths, some retracted.
  for (let offset = 0; offset < size.statements; offset += BATCH) {
    const statements: unknown[][] = [];
    const links: unknown[][] = [];
    for (let i = offset; i < Math.min(size.statements, offset + BATCH); i += 1) {
      const id = randomUUID();
      const about = r.int(proposalIds.length);
      const day = firstDays[about] + r.int(Math.max(1, SPAN_DAYS - firstDays[about]));
      const retracted = r.next() < 0.02;
      statements.push([
        id,
        r.pick(people.length ? people : states),
        // One in five speaks on behalf of a state (its minister, its ambassador).
        r.next() < 0.2 && states.length > 0 ? r.pick(states) : null,
        'Minister',
        partialDate(day, r),
        r.next() < 0.3 ? r.pick(events)[0] : null,
        sentence(r, 15 + r.int(80)),
        r.next() < 0.5 ? sentence(r, 12) : null,
        r.pick(sources)[0],
        userId,
        retracted ? new Date() : null,
        retracted ? userId : null,
        retracted ? 'synthetic retraction' : null,
      ]);
      const count = 1 + (r.next() < 0.25 ? 1 : 0) + (r.next() < 0.05 ? 1 : 0);
      const chosen = new Set([proposalIds[about]]);
      while (chosen.size < count) chosen.add(proposalIds[r.int(proposalIds.length)]);
      for (const proposalId of chosen) links.push([id, proposalId, r.pick(STANCES)]);
    }
    await insertColumns(
      db,
      'statements',
      [
        { name: 'id', type: 'uuid' },
        { name: 'speaker_id', type: 'uuid' },
        { name: 'on_behalf_of', type: 'uuid' },
        { name: 'speaker_role', type: 'text' },
        { name: 'said_on', type: 'partial_date' },
        { name: 'event_id', type: 'uuid' },
        { name: 'quote', type: 'text' },
        { name: 'summary', type: 'text' },
        { name: 'source_id', type: 'uuid' },
        { name: 'recorded_by', type: 'uuid' },
        { name: 'retracted_at', type: 'timestamptz' },
        { name: 'retracted_by', type: 'uuid' },
        { name: 'retraction_reason', type: 'text' },
      ],
      statements,
    );
    await insertColumns(
      db,
      'statement_proposals',
      [
        { name: 'statement_id', type: 'uuid' },
        { name: 'proposal_id', type: 'uuid' },
        { name: 'stance', type: 'text' },
      ],
      links,
    );
    written += statements.length + links.length;
    tick('statements', Math.min(size.statements, offset + BATCH), size.statements);
  }

  // Participation: states' and organizations' formal acts, each citing a source; some retracted.
  const acting = [...states, ...organizations];
  const busy = actors[0][0];
  for (let offset = 0; offset < size.participation; offset += BATCH) {
    const acts: unknown[][] = [];
    const cited: unknown[][] = [];
    for (let i = offset; i < Math.min(size.participation, offset + BATCH); i += 1) {
      const id = randomUUID();
      // The busy actor's acts go to distinct proposals, spread over all of them.
      const busyAct = i < Math.min(BUSY_ACTOR.proposals, proposalIds.length);
      const about = busyAct ? Math.floor((i * proposalIds.length) / BUSY_ACTOR.proposals) : r.int(proposalIds.length);
      const day = firstDays[about] + r.int(Math.max(1, SPAN_DAYS - firstDays[about]));
      const retracted = r.next() < 0.02;
      acts.push([
        id,
        proposalIds[about],
        busyAct || acting.length === 0 ? busy : r.pick(acting),
        r.pick(ACTIONS),
        partialDate(day, r),
        userId,
        retracted ? new Date() : null,
        retracted ? userId : null,
        retracted ? 'synthetic retraction' : null,
      ]);
      cited.push([id, r.pick(sources)[0]]);
    }
    await insertColumns(
      db,
      'participation',
      [
        { name: 'id', type: 'uuid' },
        { name: 'proposal_id', type: 'uuid' },
        { name: 'actor_id', type: 'uuid' },
        { name: 'action', type: 'text' },
        { name: 'occurred_on', type: 'partial_date' },
        { name: 'recorded_by', type: 'uuid' },
        { name: 'retracted_at', type: 'timestamptz' },
        { name: 'retracted_by', type: 'uuid' },
        { name: 'retraction_reason', type: 'text' },
      ],
      acts,
    );
    await insertColumns(
      db,
      'participation_sources',
      [
        { name: 'participation_id', type: 'uuid' },
        { name: 'source_id', type: 'uuid' },
      ],
      cited,
    );
    written += acts.length + cited.length;
    tick('participation', Math.min(size.participation, offset + BATCH), size.participation);
  }

  // The change feed such a history leaves: one change per proposal recorded and per statement.
  progress('changes: one per proposal and per statement');
  // Planned with what the tables now hold, not as the empty tables they were (autovacuum may be off).
  await db.query('ANALYZE proposals, statements, statement_proposals, actors, participation');
  const [{ count: proposalChanges }]: { count: number }[] = await db.query(
    `WITH made AS (
       INSERT INTO changes (xid, type, by_id, proposal_slugs, tags, subject_type, subject_id, subject_slug, summary, data)
       SELECT pg_current_xact_id()::text::bigint, 'proposal.created', $1, ARRAY[p.slug], p.tags, 'proposal', p.id::text,
              p.slug, 'Synthetic proposer proposed ' || p.title || ' (' || p.proposed_on || ')',
              json_build_object('slug', p.slug, 'title', p.title, 'summary', p.summary, 'proposedOn', p.proposed_on,
                                'status', p.status, 'tags', p.tags)
         FROM proposals p ORDER BY p.slug RETURNING 1)
     SELECT count(*)::int AS count FROM made`,
    [userId],
  );
  // In batches by id: one statement for a million rows would outlast the statement timeout.
  let statementChanges = 0;
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const [batch]: { count: number; last: string | null }[] = await db.query(
      `WITH batch AS (SELECT s.id, s.said_on, s.quote, s.summary, s.speaker_id FROM statements s
                       WHERE s.id > $2::uuid ORDER BY s.id LIMIT ${BATCH}),
            made AS (
         INSERT INTO changes (xid, type, by_id, proposal_slugs, actor_slugs, subject_type, subject_id, summary, data)
         SELECT pg_current_xact_id()::text::bigint, 'statement.recorded', $1,
                ARRAY(SELECT p.slug FROM statement_proposals sp JOIN proposals p ON p.id = sp.proposal_id WHERE sp.statement_id = s.id),
                ARRAY[a.slug], 'statement', s.id::text, a.name || ' spoke (' || s.said_on || ')',
                json_build_object('id', s.id, 'speaker', a.slug, 'saidOn', s.said_on, 'quote', s.quote, 'summary', s.summary)
           FROM batch s JOIN actors a ON a.id = s.speaker_id ORDER BY s.id RETURNING 1)
       SELECT (SELECT count(*)::int FROM made) AS count, (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last`,
      [userId, after],
    );
    if (batch.last === null) break;
    statementChanges += batch.count;
    written += batch.count;
    after = batch.last;
    tick('changes', statementChanges, size.statements);
  }
  written += proposalChanges;

  progress('deriving last activity and refreshing statistics');
  // What the service keeps per proposal, derived by the service's own query, in batches.
  const repository = new ProposalsRepository(new Db(db));
  for (let offset = 0; offset < proposalIds.length; offset += BATCH) {
    await repository.refreshActivity(proposalIds.slice(offset, offset + BATCH), db.manager);
  }
  await db.query('VACUUM ANALYZE');
  const seconds = (Date.now() - started) / 1000;
  progress(`generated ${written} rows (${transitionsWritten} transitions) in ${seconds.toFixed(1)} s`);
  return { rows: written, seconds, rowsPerSecond: Math.round(written / seconds) };
}

async function insertProposals(db: DataSource, rows: unknown[][]): Promise<void> {
  const column = (index: number) => rows.map((row) => row[index]);
  await db.query(
    `INSERT INTO proposals (id, slug, title, summary, proposed_on, status, status_since, furthest_status,
                            last_activity_on, tags, last_from_status, last_direction)
     SELECT id, slug, title, summary, proposed_on, status, status_since, furthest_status, last_activity_on, ARRAY[tag],
            last_from, last_direction
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::partial_date[], $6::text[],
                   $7::partial_date[], $8::text[], $9::partial_date[], $10::text[], $11::text[], $12::text[])
            AS x(id, slug, title, summary, proposed_on, status, status_since, furthest_status, last_activity_on, tag,
                 last_from, last_direction)`,
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(column),
  );
}

async function insertTransitions(db: DataSource, rows: unknown[][]): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += BATCH) {
    const batch = rows.slice(offset, offset + BATCH);
    const column = (index: number) => batch.map((row) => row[index]);
    // Retracted rows are inserted retracted: the trigger forbids updates, not such inserts.
    await db.query(
      `INSERT INTO transitions (id, proposal_id, seq, from_status, to_status, direction, occurred_on, recorded_by,
                                retracted_at, retracted_by, retraction_reason)
       SELECT id, proposal_id, seq, from_status, to_status, direction, occurred_on, recorded_by,
              CASE WHEN retracted THEN now() END, CASE WHEN retracted THEN recorded_by END,
              CASE WHEN retracted THEN 'synthetic retraction' END
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::partial_date[],
                     $8::uuid[], $9::boolean[])
              AS x(id, proposal_id, seq, from_status, to_status, direction, occurred_on, recorded_by, retracted)`,
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map(column),
    );
  }
}

/** The flags that size a synthetic database, for `seed:synthetic` and the bench. */
export const SIZE_FLAGS: FlagSpec = {
  proposals: { kind: 'count', help: 'proposals to generate' },
  statements: { kind: 'count', help: 'statements (default: 10 per proposal)' },
  transitions: { kind: 'count', help: 'transitions at most (default: 5 per proposal)' },
  actors: { kind: 'count', help: 'actors (default: 1 per 20 proposals, at least 50)' },
  participation: { kind: 'count', help: 'participation acts (default: 2 per proposal)' },
};

/**
 * The size asked for by `--proposals`, `--statements`, `--transitions` and `--actors`; each left
 * out scales with the proposals (10 statements, 5 transitions and 1/20 of an actor each).
 */
export function sizeOf(counts: Flags['counts'], proposalsFallback: number = QUICK_SIZE.proposals): SyntheticSize {
  const proposals = counts.proposals ?? proposalsFallback;
  return {
    proposals,
    statements: counts.statements ?? proposals * 10,
    transitions: counts.transitions ?? proposals * 5,
    actors: counts.actors ?? Math.max(50, Math.round(proposals / 20)),
    participation: counts.participation ?? proposals * 2,
  };
}

/** `npm run seed:synthetic -- --proposals 100000 --statements 1000000 --transitions 500000 --actors 5000` */
async function main(flags: Flags): Promise<void> {
  const size = sizeOf(flags.counts);
  const config = loadConfig();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(config, log);
  try {
    const db = await connect(database.url, BULK_POOL);
    try {
      await runMigrations(db);
      const existing: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM proposals');
      if (existing[0].n > 0) throw new Error('the database already holds proposals; generate into an empty one');
      const report = await generate(db, size, (line) => process.stdout.write(`\r${line.padEnd(100)}`));
      log(`\n${report.rows} rows in ${report.seconds.toFixed(1)} s: ${report.rowsPerSecond} rows/s`);
    } finally {
      await db.destroy();
    }
  } finally {
    await database.release();
  }
}

if (process.argv[1]?.endsWith('generate.js')) {
  runCommand(
    {
      name: 'seed:synthetic',
      synopsis:
        'npm run seed:synthetic -- [--proposals N] [--statements N] [--transitions N] [--actors N]\n\n' +
        'Fills an empty database (DATABASE_URL, or the embedded one under DATA_DIR) with valid synthetic\n' +
        `data; ${QUICK_SIZE.proposals} proposals unless told.`,
      spec: SIZE_FLAGS,
    },
    main,
  );
}
