import { firstDay } from '../../../common/dates/partial-date.js';
import { furthestOf, type Status } from './statuses.js';

export interface HistoryEntry {
  to: Status;
  occurredOn: string;
}

export interface DerivedState {
  status: Status;
  statusSince: string;
  furthestStatus: Status;
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
  return { status: last.to, statusSince: last.occurredOn, furthestStatus: furthest };
}

/** A new transition may not be dated before the latest standing one (compared by first day). */
export function isOutOfOrder(occurredOn: string, latestStanding: string): boolean {
  return firstDay(occurredOn) < firstDay(latestStanding);
}
