import { firstDay } from '../../../common/dates/partial-date.js';
import type { Stance } from '../../statements/entities/statement-proposal.entity.js';
import { type Direction, furthestOf, isTerminal, type Status } from './statuses.js';

export const MOMENTA = ['advancing', 'active', 'stalled', 'concluded'] as const;
export type Momentum = (typeof MOMENTA)[number];

export const DEFAULT_WINDOW_DAYS = 365;
export const MAX_WINDOW_DAYS = 3650;

/** A transition, as the momentum rules see it; retracted ones do not count. */
export interface MomentumTransition {
  from: Status | null;
  to: Status;
  direction: Direction;
  occurredOn: string;
  retracted?: boolean;
}

/** A statement's stance toward the proposal; retracted ones do not count. */
export interface MomentumStatement {
  saidOn: string;
  stance: Stance;
  retracted?: boolean;
}

export interface StanceCounts {
  supports: number;
  opposes: number;
  neutral: number;
  total: number;
}

/** The facts that decide a proposal's momentum on a date, and explain it. */
export interface MomentumFacts {
  status: Status;
  statusSince: string;
  furthestStatus: Status;
  /** The latest standing transition on or before the date. */
  last: MomentumTransition;
  /** Advances and resumptions in the window, most recent first (at most {@link SHOWN_ADVANCES}). */
  advances: MomentumTransition[];
  advanceCount: number;
  /** Standing statements in the window, by stance toward the proposal. */
  window: StanceCounts;
  lastStatementOn: string | null;
}

/** How many of the advances in the window a reason names. */
export const SHOWN_ADVANCES = 3;

const DAY_MS = 86_400_000;

/** `day` (YYYY-MM-DD) minus `days` days. */
export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from the first day of `since` to `day`. */
export function daysBetween(since: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${firstDay(since)}T00:00:00Z`)) / DAY_MS);
}

/**
 * The facts of spec section 2 for a proposal on `asOf` (YYYY-MM-DD) with a window of
 * `windowDays`: only standing records dated (by their first day) on or before `asOf` count, and
 * the window is (asOf − windowDays, asOf]. `transitions` are in history order; null when no
 * standing one is dated on or before `asOf` — the proposal did not exist yet.
 */
export function momentumFacts(
  transitions: readonly MomentumTransition[],
  statements: readonly MomentumStatement[],
  asOf: string,
  windowDays: number,
): MomentumFacts | null {
  const windowStart = daysBefore(asOf, windowDays);
  const inWindow = (date: string): boolean => firstDay(date) > windowStart && firstDay(date) <= asOf;
  const standing = transitions.filter((t) => !t.retracted && firstDay(t.occurredOn) <= asOf);
  const last = standing.at(-1);
  if (last === undefined) return null;

  let furthest = standing[0].to;
  for (const t of standing) furthest = furthestOf(furthest, t.to);
  const advances = standing.filter(
    (t) => (t.direction === 'advance' || t.direction === 'resume') && inWindow(t.occurredOn),
  );

  const window: StanceCounts = { supports: 0, opposes: 0, neutral: 0, total: 0 };
  let lastStatementOn: string | null = null;
  for (const s of statements) {
    if (s.retracted || firstDay(s.saidOn) > asOf) continue;
    if (lastStatementOn === null || s.saidOn > lastStatementOn) lastStatementOn = s.saidOn;
    if (!inWindow(s.saidOn)) continue;
    window[s.stance] += 1;
    window.total += 1;
  }
  return {
    status: last.to,
    statusSince: last.occurredOn,
    furthestStatus: furthest,
    last,
    advances: advances.reverse().slice(0, SHOWN_ADVANCES),
    advanceCount: advances.length,
    window,
    lastStatementOn,
  };
}

/** The rules of spec section 2, first match wins. */
export function classify(facts: MomentumFacts): Momentum {
  if (isTerminal(facts.status)) return 'concluded';
  if (facts.status === 'suspended') return 'stalled';
  if (facts.advanceCount > 0) return 'advancing';
  if (facts.window.total > 0) return 'active';
  return 'stalled';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function stanceBreakdown(counts: StanceCounts): string {
  const parts = [
    counts.supports > 0 ? `${counts.supports} supporting` : '',
    counts.opposes > 0 ? `${counts.opposes} opposing` : '',
    counts.neutral > 0 ? `${counts.neutral} neutral` : '',
  ].filter((part) => part !== '');
  return `${plural(counts.total, 'statement')} in the window, ${parts.join(', ')}`;
}

function describeMove(t: MomentumTransition): string {
  if (t.from === null) return `${t.to} on ${t.occurredOn} (first recorded)`;
  switch (t.direction) {
    case 'advance':
      return `advanced from ${t.from} to ${t.to} on ${t.occurredOn}`;
    case 'resume':
      return `resumed from suspended to ${t.to} on ${t.occurredOn}`;
    case 'regress':
      return `sent back from ${t.from} to ${t.to} on ${t.occurredOn}`;
    case 'suspend':
      return `suspended on ${t.occurredOn}`;
    case 'close':
      return `closed as ${t.to} on ${t.occurredOn}`;
    case 'revive':
      return `revived from ${t.from} as ${t.to} on ${t.occurredOn}`;
  }
}

/** Short sentences naming the dates and counts that decided the momentum. */
export function explain(facts: MomentumFacts, windowDays: number): string[] {
  switch (classify(facts)) {
    case 'concluded':
      return [`concluded: ${describeMove(facts.last)}`];
    case 'stalled':
      if (facts.status === 'suspended') return [`suspended since ${facts.statusSince}`];
      return [
        facts.last.direction === 'advance' || facts.last.direction === 'resume'
          ? `no status change since ${facts.statusSince} and no statement in the last ${windowDays} days`
          : `${describeMove(facts.last)}; no advance and no statement in the last ${windowDays} days`,
      ];
    case 'advancing': {
      const reasons = facts.advances.map(describeMove);
      const more = facts.advanceCount - facts.advances.length;
      if (more > 0) reasons.push(`and ${plural(more, 'earlier advance')} in the window`);
      if (facts.window.total > 0) reasons.push(stanceBreakdown(facts.window));
      return reasons;
    }
    case 'active':
      return [
        `${stanceBreakdown(facts.window)}, no advance in the last ${windowDays} days (${facts.status} since ${facts.statusSince})`,
      ];
  }
}

export interface MomentumResult {
  momentum: Momentum;
  reasons: string[];
  facts: MomentumFacts;
}

/** A proposal's momentum on `asOf`, or null if it did not exist yet. */
export function momentumOf(
  transitions: readonly MomentumTransition[],
  statements: readonly MomentumStatement[],
  asOf: string,
  windowDays: number = DEFAULT_WINDOW_DAYS,
): MomentumResult | null {
  const facts = momentumFacts(transitions, statements, asOf, windowDays);
  if (facts === null) return null;
  return { momentum: classify(facts), reasons: explain(facts, windowDays), facts };
}
