import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { EntityManager } from 'typeorm';
import { Db } from '../../common/database/db.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { sourceKey } from '../sources/source-key.js';
import { DUMP_PARTS, DUMP_VERSION } from './dump-format.js';

/** Serializes restores started together. */
const RESTORE_LOCK = 7_301_003;
/** Lines inserted by one statement. */
const BATCH = 1000;
/** A line longer than this is refused rather than held (the largest record is far shorter). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface RestoreReport {
  /** Rows loaded, by line type, as the manifest counted them. */
  counts: Record<string, number>;
  /** Users of the dump found here by name (their records are now this database's user's). */
  usersMatched: string[];
}

type Line = Record<string, unknown> & { type: string };

/** The dump's keys that name a user: mapped to a user of this database of the same name. */
const USER_KEYS = ['recordedBy', 'retractedBy', 'mergedBy', 'duplicateMarkedBy', 'withdrawnBy'];

const dateCols = (key: string): string => `l->>'${key}', COALESCE(l->>'${key}Certainty', 'stated'), l->>'${key}Basis'`;
const textArray = (key: string): string => `ARRAY(SELECT json_array_elements_text(COALESCE(l->'${key}', '[]')))`;
const FROM = `FROM json_array_elements($1::json) l`;

/**
 * Each part's inserts, given a batch of its lines as a JSON array (`$1`). References within a
 * part, and a transition's cited statements, are set once the part (or the statements) are in.
 */
const INSERTS: Record<string, string[]> = {
  actor: [
    `INSERT INTO actors (id, slug, kind, name, short_name, aliases, description, title, created_at, updated_at, version)
     SELECT (l->>'id')::uuid, l->>'slug', l->>'kind', l->>'name', l->>'shortName', ${textArray('aliases')},
            l->>'description', l->>'title', (l->>'createdAt')::timestamptz, (l->>'updatedAt')::timestamptz,
            (l->>'version')::int ${FROM}`,
  ],
  actorMerge: [
    `INSERT INTO actor_merges (id, actor_id, into_id, slug, reason, moved, merged_by, merged_at)
     SELECT (l->>'id')::uuid, (l->>'actorId')::uuid, (l->>'intoId')::uuid, l->>'slug', l->>'reason', l->'moved',
            (l->>'mergedBy')::uuid, (l->>'mergedAt')::timestamptz ${FROM}`,
  ],
  event: [
    `INSERT INTO events (id, slug, name, kind, starts_on, starts_on_certainty, starts_on_basis, ends_on,
                         ends_on_certainty, ends_on_basis, location, description, created_at, updated_at, version)
     SELECT (l->>'id')::uuid, l->>'slug', l->>'name', l->>'kind', ${dateCols('startsOn')}, ${dateCols('endsOn')},
            l->>'location', l->>'description', (l->>'createdAt')::timestamptz, (l->>'updatedAt')::timestamptz,
            (l->>'version')::int ${FROM}`,
    `INSERT INTO event_organizers (event_id, actor_id)
     SELECT (l->>'id')::uuid, o::uuid ${FROM}, json_array_elements_text(COALESCE(l->'organizerIds', '[]')) o`,
  ],
  source: [
    `INSERT INTO sources (id, dedup_key, url, publisher, title, published_on, published_on_certainty,
                          published_on_basis, note, created_at, updated_at, version)
     SELECT (l->>'id')::uuid, l->>'dedupKey', l->>'url', l->>'publisher', l->>'title', ${dateCols('publishedOn')},
            l->>'note', (l->>'createdAt')::timestamptz, (l->>'updatedAt')::timestamptz, (l->>'version')::int ${FROM}`,
  ],
  proposal: [
    `INSERT INTO proposals (id, slug, title, summary, proposed_on, proposed_on_certainty, proposed_on_basis, tags,
                            status, status_since, status_since_certainty, status_since_basis, furthest_status,
                            last_from_status, last_direction, last_activity_on, last_statement_on,
                            last_statement_on_certainty, last_statement_on_basis, created_at, updated_at, version)
     SELECT (l->>'id')::uuid, l->>'slug', l->>'title', l->>'summary', ${dateCols('proposedOn')}, ${textArray('tags')},
            l->>'status', ${dateCols('statusSince')}, l->>'furthestStatus', l->>'lastFromStatus',
            l->>'lastDirection', l->>'lastActivityOn', ${dateCols('lastStatementOn')},
            (l->>'createdAt')::timestamptz, (l->>'updatedAt')::timestamptz, (l->>'version')::int ${FROM}`,
    `INSERT INTO proposal_actors (proposal_id, actor_id, role)
     SELECT (l->>'id')::uuid, (pa->>'actorId')::uuid, pa->>'role' ${FROM}, json_array_elements(COALESCE(l->'proposers', '[]')) pa`,
    `INSERT INTO proposal_forums (proposal_id, actor_id)
     SELECT (l->>'id')::uuid, f::uuid ${FROM}, json_array_elements_text(COALESCE(l->'forumIds', '[]')) f`,
  ],
  transition: [
    `INSERT INTO transitions (id, proposal_id, seq, from_status, to_status, direction, occurred_on,
                              occurred_on_certainty, occurred_on_basis, note, superseded_by_id, recorded_at,
                              recorded_by, retracted_at, retracted_by, retraction_reason)
     SELECT (l->>'id')::uuid, (l->>'proposalId')::uuid, (l->>'seq')::int, l->>'from', l->>'to', l->>'direction',
            ${dateCols('occurredOn')}, l->>'note', (l->>'supersededById')::uuid, (l->>'recordedAt')::timestamptz,
            (l->>'recordedBy')::uuid, (l->>'retractedAt')::timestamptz, (l->>'retractedBy')::uuid,
            l->>'retractionReason' ${FROM}`,
    `INSERT INTO transition_sources (transition_id, source_id)
     SELECT (l->>'id')::uuid, s::uuid ${FROM}, json_array_elements_text(COALESCE(l->'sourceIds', '[]')) s`,
  ],
  statement: [
    `INSERT INTO statements (id, speaker_id, speaker_role, on_behalf_of, said_on, said_on_certainty, said_on_basis,
                             event_id, quote, summary, language, note, source_id, created_at, recorded_by,
                             updated_at, version, retracted_at, retracted_by, retraction_reason)
     SELECT (l->>'id')::uuid, (l->>'speakerId')::uuid, l->>'speakerRole', (l->>'onBehalfOf')::uuid,
            ${dateCols('saidOn')}, (l->>'eventId')::uuid, l->>'quote', l->>'summary', l->>'language', l->>'note',
            (l->>'sourceId')::uuid, (l->>'recordedAt')::timestamptz, (l->>'recordedBy')::uuid,
            (l->>'updatedAt')::timestamptz, (l->>'version')::int, (l->>'retractedAt')::timestamptz,
            (l->>'retractedBy')::uuid, l->>'retractionReason' ${FROM}`,
    // The link's copies of the statement's date, speaker and standing are made by its trigger.
    `INSERT INTO statement_proposals (statement_id, proposal_id, stance)
     SELECT (l->>'id')::uuid, (sp->>'proposalId')::uuid, sp->>'stance'
       ${FROM}, json_array_elements(COALESCE(l->'proposals', '[]')) sp`,
  ],
  participation: [
    `INSERT INTO participation (id, proposal_id, actor_id, action, occurred_on, occurred_on_certainty,
                                occurred_on_basis, note, recorded_at, recorded_by, retracted_at, retracted_by,
                                retraction_reason)
     SELECT (l->>'id')::uuid, (l->>'proposalId')::uuid, (l->>'actorId')::uuid, l->>'action',
            ${dateCols('occurredOn')}, l->>'note', (l->>'recordedAt')::timestamptz, (l->>'recordedBy')::uuid,
            (l->>'retractedAt')::timestamptz, (l->>'retractedBy')::uuid, l->>'retractionReason' ${FROM}`,
    `INSERT INTO participation_sources (participation_id, source_id)
     SELECT (l->>'id')::uuid, s::uuid ${FROM}, json_array_elements_text(COALESCE(l->'sourceIds', '[]')) s`,
  ],
  assessment: [
    `INSERT INTO assessments (id, proposal_id, momentum, reason, recorded_at, recorded_by, withdrawn_at,
                              withdrawn_by, withdrawal_reason)
     SELECT (l->>'id')::uuid, (l->>'proposalId')::uuid, l->>'momentum', l->>'reason',
            (l->>'recordedAt')::timestamptz, (l->>'recordedBy')::uuid, (l->>'withdrawnAt')::timestamptz,
            (l->>'withdrawnBy')::uuid, l->>'withdrawalReason' ${FROM}`,
    `INSERT INTO assessment_sources (assessment_id, source_id)
     SELECT (l->>'id')::uuid, s::uuid ${FROM}, json_array_elements_text(COALESCE(l->'sourceIds', '[]')) s`,
  ],
};

/** What is set once a part is in: references within it (given the part's lines kept for it). */
const AFTER_PART: Record<string, string[]> = {
  actor: [
    `UPDATE actors a SET country_id = (l->>'countryId')::uuid, merged_into_id = (l->>'mergedIntoId')::uuid
       ${FROM} WHERE a.id = (l->>'id')::uuid`,
    `INSERT INTO actor_members (organization_id, member_id)
     SELECT (l->>'id')::uuid, m::uuid ${FROM}, json_array_elements_text(COALESCE(l->'memberIds', '[]')) m`,
  ],
  proposal: [
    `UPDATE proposals p SET parent_id = (l->>'parentId')::uuid, superseded_by_id = (l->>'supersededById')::uuid,
            duplicate_of_id = (l->>'duplicateOfId')::uuid, duplicate_marked_by = (l->>'duplicateMarkedBy')::uuid,
            duplicate_marked_at = (l->>'duplicateMarkedAt')::timestamptz, duplicate_reason = l->>'duplicateReason'
       ${FROM} WHERE p.id = (l->>'id')::uuid`,
    `INSERT INTO proposal_relations (proposal_id, related_id, relation)
     SELECT (l->>'id')::uuid, (r->>'id')::uuid, r->>'relation' ${FROM}, json_array_elements(COALESCE(l->'related', '[]')) r`,
  ],
};

/** Which keys of a line a part needs after it is in: the rest of the line is not kept. */
const KEPT_FOR_AFTER: Record<string, string[]> = {
  actor: ['id', 'countryId', 'mergedIntoId', 'memberIds'],
  proposal: [
    'id',
    'parentId',
    'supersededById',
    'duplicateOfId',
    'duplicateMarkedBy',
    'duplicateMarkedAt',
    'duplicateReason',
    'related',
  ],
};

/** Last: what the statements give their proposals (their words, for search), made again. */
const FINISH = [
  `INSERT INTO transition_statements (transition_id, statement_id)
   SELECT (c->>0)::uuid, (c->>1)::uuid FROM json_array_elements($1::json) c`,
  `UPDATE proposals p SET statements_search = s.search
     FROM (SELECT sp.proposal_id, strip(tsvector_agg(st.search)) AS search
             FROM statement_proposals sp JOIN statements st ON st.id = sp.statement_id
            WHERE st.retracted_at IS NULL GROUP BY sp.proposal_id) s
    WHERE p.id = s.proposal_id`,
];

/** Whether bytes start as gzip does (its magic number): a dump may be given gzipped or not. */
export function isGzip(start: Buffer): boolean {
  return start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b;
}

/** A dump's text from its bytes, unzipped if they are gzip; a broken gzip stream is a 400. */
export function dumpText(bytes: Readable, gzipped: boolean): Readable {
  if (!gzipped) return bytes;
  const gunzip = createGunzip();
  const text = new PassThrough();
  bytes.once('error', (error) => text.destroy(error));
  gunzip.once('error', (error) =>
    text.destroy(new DomainError('validation_failed', `the file is not a whole gzip stream: ${error.message}`)),
  );
  return bytes.pipe(gunzip).pipe(text);
}

/**
 * The lines of a text stream (LF or CRLF), its errors thrown where they happen; `undefined` for a
 * line that grows past {@link MAX_LINE_BYTES} (the caller refuses it).
 */
async function* linesOf(text: Readable): AsyncGenerator<string | undefined> {
  text.setEncoding('utf8');
  let rest = '';
  for await (const chunk of text as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
    if (rest.length > MAX_LINE_BYTES) {
      yield undefined;
      return;
    }
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

const badLine = (line: number, message: string): DomainError =>
  new DomainError('validation_failed', `line ${line}: ${message}`, [{ field: `line ${line}`, message }]);

/**
 * Loads a dump's text (`GET /export`'s body, unzipped: {@link dumpText}) into an empty database, in one transaction:
 * all of it, or — on any bad line, unknown reference or broken rule — nothing, with a 4xx naming
 * the line (or the batch of lines) at fault. A database already holding records is refused (409).
 * Users are matched by name: one of the dump's users whose name a user here has (the admin who
 * restores) becomes that user; the others are made inactive analysts without tokens, as the
 * dump holds none. Then every GET answers as on the database exported, but for users and what was
 * never exported (the audit log, the change feed, webhooks, watches). With `dryRun` the whole file
 * is loaded and checked, then rolled back.
 */
export async function restoreDump(
  db: Db,
  text: Readable,
  options: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<RestoreReport> {
  const log = options.log ?? (() => undefined);
  // The transaction open (an idempotent request's), or one of its own.
  return db.transaction(async (manager) => {
    // A restore may write millions of rows: no request's statement timeout.
    await manager.query('SET LOCAL statement_timeout = 0');
    await manager.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
    // Two restores at once: the second waits, then finds the first one's records and is refused.
    await manager.query('SELECT pg_advisory_xact_lock($1)', [RESTORE_LOCK]);
    const [{ holds }] = await manager.query<{ holds: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM actors) OR EXISTS (SELECT 1 FROM proposals) OR EXISTS (SELECT 1 FROM sources)
              OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM statements) AS holds`,
    );
    if (holds) {
      throw new DomainError(
        'conflict',
        'the database already holds records: a dump is restored into an empty one only',
      );
    }
    // A dry run loads everything, then undoes it to here.
    if (options.dryRun === true) await manager.query('SAVEPOINT dry_run');
    const report = await new Loader(db, manager, log).load(text);
    if (options.dryRun === true) await manager.query('ROLLBACK TO SAVEPOINT dry_run');
    return report;
  });
}

class Loader {
  private readonly counts: Record<string, number> = {};
  private readonly users = new Map<string, string>();
  private readonly matched: string[] = [];
  private readonly afterPart: Line[] = [];
  private readonly citations: [string, string][] = [];
  private batch: Line[] = [];
  private batchStart = 0;
  private part = -1;

  constructor(
    private readonly db: Db,
    private readonly runner: EntityManager,
    private readonly log: (line: string) => void,
  ) {}

  async load(text: Readable): Promise<RestoreReport> {
    const local = await this.runner.query<{ id: string; name: string }[]>(`SELECT id::text, name FROM users`);
    const byName = new Map(local.map((user) => [user.name, user.id]));
    let manifest: { counts: Record<string, number> } | undefined;
    let number = 0;
    for await (const raw of linesOf(text)) {
      number += 1;
      if (raw === undefined) throw badLine(number, 'longer than 16 MiB');
      if (raw.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        throw badLine(number, 'not a JSON object');
      }
      if (line === null || typeof line !== 'object' || Array.isArray(line) || typeof line.type !== 'string') {
        throw badLine(number, 'not a JSON object with a type');
      }
      if (manifest === undefined) {
        if (line.type !== 'manifest') throw badLine(number, 'the first line must be the manifest');
        if (line.version !== DUMP_VERSION) {
          throw badLine(number, `version ${String(line.version)} is not this service's dump format (${DUMP_VERSION})`);
        }
        manifest = line as unknown as { counts: Record<string, number> };
        continue;
      }
      if (line.type === 'user') {
        await this.user(line, number, byName);
      } else {
        await this.record(line, number);
      }
      this.counts[line.type] = (this.counts[line.type] ?? 0) + 1;
    }
    if (manifest === undefined) throw badLine(0, 'the file is empty: a dump starts with its manifest');
    await this.endPart();
    for (const part of ['user', ...DUMP_PARTS.map((p) => p.type)]) {
      const expected = Number(manifest.counts?.[part] ?? 0);
      if ((this.counts[part] ?? 0) !== expected) {
        throw new DomainError(
          'validation_failed',
          `the manifest counts ${expected} ${part} lines, the file holds ${this.counts[part] ?? 0}: it is cut short or altered`,
        );
      }
    }
    await this.sql(FINISH[0], [JSON.stringify(this.citations)], 'the transitions’ cited statements');
    await this.sql(FINISH[1], [], 'the proposals’ search');
    this.log(
      `restored ${Object.entries(this.counts)
        .map(([type, n]) => `${n} ${type}`)
        .join(', ')}`,
    );
    return { counts: this.counts, usersMatched: this.matched };
  }

  private async user(line: Line, number: number, byName: Map<string, string>): Promise<void> {
    if (this.part >= 0) throw badLine(number, 'users come before every other record');
    const { id, name } = line;
    if (typeof id !== 'string' || typeof name !== 'string') throw badLine(number, 'a user needs an id and a name');
    const here = byName.get(name);
    if (here !== undefined) {
      this.users.set(id, here);
      if (here !== id) this.matched.push(name);
      return;
    }
    await this.sql(
      `INSERT INTO users (id, name, role, active) VALUES ($1::uuid, $2, 'analyst', false)`,
      [id, name],
      `line ${number}`,
    );
    this.users.set(id, id);
  }

  private async record(line: Line, number: number): Promise<void> {
    const index = DUMP_PARTS.findIndex((part) => part.type === line.type);
    if (index < 0) throw badLine(number, `unknown type "${line.type}"`);
    if (index < this.part) {
      throw badLine(
        number,
        `a ${line.type} after the ${DUMP_PARTS[this.part].type} lines: parts come in the export's order`,
      );
    }
    if (index > this.part) {
      await this.endPart();
      this.part = index;
    }
    for (const key of USER_KEYS) {
      const user = line[key];
      if (typeof user === 'string') line[key] = this.users.get(user) ?? user;
    }
    if (line.type === 'source') {
      try {
        line.dedupKey = sourceKey({
          url: line.url as string | null,
          publisher: line.publisher as string | null,
          title: line.title as string | null,
          publishedOn:
            typeof line.publishedOn === 'string' ? { value: line.publishedOn, certainty: 'stated', basis: null } : null,
        });
      } catch {
        throw badLine(number, 'a source whose url is not a URL');
      }
    }
    if (line.type === 'transition' && Array.isArray(line.statementIds)) {
      for (const statement of line.statementIds) this.citations.push([String(line.id), String(statement)]);
    }
    const kept = KEPT_FOR_AFTER[line.type];
    if (kept !== undefined) this.afterPart.push(Object.fromEntries(kept.map((key) => [key, line[key]])) as Line);
    if (this.batch.length === 0) this.batchStart = number;
    this.batch.push(line);
    if (this.batch.length >= BATCH) await this.flush(number);
  }

  private async flush(lastLine: number): Promise<void> {
    if (this.batch.length === 0) return;
    const type = this.batch[0].type;
    const where = `lines ${this.batchStart}–${lastLine} (${type} records)`;
    const lines = JSON.stringify(this.batch);
    this.batch = [];
    for (const sql of INSERTS[type]) await this.sql(sql, [lines], where);
  }

  private async endPart(): Promise<void> {
    if (this.part < 0) return;
    await this.flush(this.batchStart + this.batch.length - 1);
    const type = DUMP_PARTS[this.part].type;
    const after = AFTER_PART[type] ?? [];
    for (let i = 0; i < this.afterPart.length; i += BATCH) {
      const lines = JSON.stringify(this.afterPart.slice(i, i + BATCH));
      for (const sql of after) await this.sql(sql, [lines], `the references between ${type} records`);
    }
    this.afterPart.length = 0;
    this.log(`restore: ${this.counts[type] ?? 0} ${type} records`);
  }

  /** One statement; what PostgreSQL refuses in the data (a bad value, a broken rule) is a 400 naming `where`. */
  private async sql(sql: string, params: unknown[], where: string): Promise<void> {
    try {
      // A batch, or the last pass over every proposal, may take longer than a request's bound.
      await this.db.unbounded(this.runner, sql, params);
    } catch (error) {
      const { code, detail, message } = error as { code?: string; detail?: string; message: string };
      if (code !== undefined && (code.startsWith('22') || code.startsWith('23'))) {
        throw new DomainError(
          'validation_failed',
          `${where}: ${message}${detail === undefined ? '' : ` (${detail})`}`,
          [{ field: where, message }],
        );
      }
      throw error;
    }
  }
}
