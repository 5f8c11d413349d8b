import { firstDay } from '../../../common/dates/partial-date.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import { type Direction, furthestOf, type Status } from './statuses.js';

export interface HistoryEntry {
  to: Status;
  occurredOn: string;
  occurredOnCertainty?: DateCertainty;
  occurredOnBasis?: string | null;
  from?: Status | null;
  direction?: Direction;
}

export interface DerivedState {
  status: Status;
  statusSince: string;
  statusSinceCertainty: DateCertainty;
  statusSinceBasis: string | null;
  /** The first standing transition's date: when the proposal was put forward. */
  proposedOn: string;
  proposedOnCertainty: DateCertainty;
  proposedOnBasis: string | null;
  furthestStatus: Status;
  /** The latest standing transition's `from` and direction (null and advance for a creation). */
  lastFrom: Status | null;
  lastDirection: Direction;
}

/**
 * A proposal's status fields, rebuilt from its standing transitions (oldest first, at least
 * the creation): the status is the last `to`, the furthest status the furthest stage any of
 * them reached. (The last activity also counts statements: the repository derives it in SQL.)
 */
export function deriveState(standing: readonly HistoryEntry[]): DerivedState {
  if (standing.length === 0) throw new Error('a proposal always has its creation transition');
  const last = standing[standing.length - 1];
  let furthest = standing[0].to;
  for (const entry of standing) furthest = furthestOf(furthest, entry.to);
  return {
    status: last.to,
    statusSince: last.occurredOn,
    statusSinceCertainty: last.occurredOnCertainty ?? 'stated',
    statusSinceBasis: last.occurredOnBasis ?? null,
    proposedOn: standing[0].occurredOn,
    proposedOnCertainty: standing[0].occurredOnCertainty ?? 'stated',
    proposedOnBasis: standing[0].occurredOnBasis ?? null,
    furthestStatus: furthest,
    lastFrom: last.from ?? null,
    lastDirection: last.direction ?? 'advance',
  };
}

/** A new transition may not be dated before the latest standing one (compared by first day). */
export function isOutOfOrder(occurredOn: string, latestStanding: string): boolean {
  return firstDay(occurredOn) < firstDay(latestStanding);
}
