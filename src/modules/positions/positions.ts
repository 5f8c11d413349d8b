import { firstDay } from '../../common/dates/partial-date.js';
import type { DateCertainty } from '../../common/dates/world-date.js';
import type { Stance } from '../../common/dto/stance.js';
import type { ProposerRole } from '../proposals/dto/proposals.dto.js';

/** An actor's formal acts toward a proposal, as in the UN Treaty Collection's status tables. */
export const PARTICIPATION_ACTIONS = [
  'endorsed',
  'signed',
  'ratified',
  'joined',
  'observer',
  'partner',
  'left',
] as const;
export type ParticipationAction = (typeof PARTICIPATION_ACTIONS)[number];

/** A statement about the proposal, as the rules read it. */
export interface PositionStatement {
  id: string;
  speaker: string;
  /** The actor the speaker spoke for; null when the speaker spoke for itself alone. */
  onBehalfOf: string | null;
  stance: Stance;
  saidOn: string;
  saidOnCertainty: DateCertainty;
  saidOnBasis: string | null;
  /** When it was logged (ISO 8601): of two statements on one day, the later logged is the later. */
  recordedAt: string;
  retracted?: boolean;
}

/** A participation act, as the rules read it. */
export interface PositionAct {
  id: string;
  actor: string;
  action: ParticipationAction;
  occurredOn: string;
  occurredOnCertainty: DateCertainty;
  occurredOnBasis: string | null;
  recordedAt: string;
  retracted?: boolean;
}

export interface PositionRecords {
  proposers: { actor: string; role: ProposerRole }[];
  statements: PositionStatement[];
  acts: PositionAct[];
}

export interface StanceChange {
  stance: Stance;
  on: string;
  onCertainty: DateCertainty;
  onBasis: string | null;
  /** The statement that took the stance. */
  statement: string;
}

/** An actor's position on a proposal on a day: what contract §6 shows beside the actor. */
export interface Position {
  actor: string;
  proposerRole: ProposerRole | null;
  /** The stance of its latest standing statement (by it or on its behalf), or null. */
  stance: Stance | null;
  /** Since when it has held that stance: the date of the statement that took it. */
  stanceOn: string | null;
  stanceOnCertainty: DateCertainty | null;
  stanceOnBasis: string | null;
  /** Each change of stance, oldest first (the first stance taken is the first change). */
  stanceHistory: StanceChange[];
  statements: Record<Stance, number> & { total: number };
  /** Its latest standing act, or null. */
  participation: {
    id: string;
    action: ParticipationAction;
    occurredOn: string;
    occurredOnCertainty: DateCertainty;
    occurredOnBasis: string | null;
  } | null;
  /** The ids of the standing statements and acts the position rests on, oldest first. */
  evidence: { statements: string[]; participation: string[] };
}

/**
 * Records in the order the rules read them, the timeline's: by date — its first day, then its
 * precision (2024 before 2024-07 before 2024-07-01), which is how partial dates sort as text — then
 * by when they were logged, then by id.
 */
function chronological<T extends { id: string; recordedAt: string }>(records: T[], dateOf: (record: T) => string): T[] {
  const key = (record: T): [string, string, string] => [dateOf(record), record.recordedAt, record.id];
  return [...records].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

/**
 * Every actor's position on one proposal on `asOfDay` (a full date), from its standing records
 * dated on or before that day: one position per actor that is among its proposers, made or had
 * made on its behalf a statement about it, or performed an act toward it; ordered by actor.
 * A statement counts for its speaker and for the actor it spoke on behalf of.
 */
export function positionsOf(records: PositionRecords, asOfDay: string): Position[] {
  const positions = new Map<string, Position>();
  const positionOf = (actor: string): Position => {
    let position = positions.get(actor);
    if (position === undefined) {
      position = {
        actor,
        proposerRole: null,
        stance: null,
        stanceOn: null,
        stanceOnCertainty: null,
        stanceOnBasis: null,
        stanceHistory: [],
        statements: { supports: 0, opposes: 0, neutral: 0, total: 0 },
        participation: null,
        evidence: { statements: [], participation: [] },
      };
      positions.set(actor, position);
    }
    return position;
  };
  for (const proposer of records.proposers) positionOf(proposer.actor).proposerRole = proposer.role;
  const standing = <T extends { retracted?: boolean }>(rows: T[], dateOf: (row: T) => string): T[] =>
    rows.filter((row) => row.retracted !== true && firstDay(dateOf(row)) <= asOfDay);
  const statements = standing(records.statements, (s) => s.saidOn);
  for (const statement of chronological(statements, (s) => s.saidOn)) {
    const actors = new Set([statement.speaker, statement.onBehalfOf ?? statement.speaker]);
    for (const actor of actors) {
      const position = positionOf(actor);
      position.statements[statement.stance] += 1;
      position.statements.total += 1;
      position.evidence.statements.push(statement.id);
      if (position.stance !== statement.stance) {
        position.stanceHistory.push({
          stance: statement.stance,
          on: statement.saidOn,
          onCertainty: statement.saidOnCertainty,
          onBasis: statement.saidOnBasis,
          statement: statement.id,
        });
        position.stance = statement.stance;
        position.stanceOn = statement.saidOn;
        position.stanceOnCertainty = statement.saidOnCertainty;
        position.stanceOnBasis = statement.saidOnBasis;
      }
    }
  }
  for (const act of chronological(
    standing(records.acts, (a) => a.occurredOn),
    (a) => a.occurredOn,
  )) {
    const position = positionOf(act.actor);
    position.evidence.participation.push(act.id);
    position.participation = {
      id: act.id,
      action: act.action,
      occurredOn: act.occurredOn,
      occurredOnCertainty: act.occurredOnCertainty,
      occurredOnBasis: act.occurredOnBasis,
    };
  }
  return [...positions.values()].sort((a, b) => (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0));
}
