import { plural } from '../../../common/i18n/wording.js';
import { firstDay } from '../../../common/dates/partial-date.js';
import type { Stance } from '../../../common/dto/stance.js';
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

/**
 * The wording of reasons, one sentence shape per case; `{name}` marks a value. `explain` fills
 * them in TypeScript and the progress report in SQL (`reasonsSql`), so both say the same words.
 */
export const REASON_TEXT = {
  first: '{to} on {on} (first recorded)',
  advance: 'advanced from {from} to {to} on {on}',
  resume: 'resumed from suspended to {to} on {on}',
  regress: 'sent back from {from} to {to} on {on}',
  suspend: 'suspended on {on}',
  close: 'closed as {to} on {on}',
  revive: 'revived from {from} as {to} on {on}',
  concluded: 'concluded: {move}',
  suspended: 'suspended since {since}',
  stalledAfterAdvance: 'no status change since {since} and no statement in the last {days} days',
  stalled: '{move}; no advance and no statement in the last {days} days',
  moreAdvances: 'and {more} in the window',
  breakdown: '{statements} in the window, {stances}',
  active: '{breakdown}, no advance in the last {days} days ({status} since {since})',
} as const;

/** The stance words of a breakdown, in the order they are named. */
export const STANCE_WORDS = { supports: 'supporting', opposes: 'opposing', neutral: 'neutral' } as const;

/** A template of {@link REASON_TEXT} with its values. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

function stanceBreakdown(counts: StanceCounts): string {
  const stances = (Object.keys(STANCE_WORDS) as Stance[])
    .filter((stance) => counts[stance] > 0)
    .map((stance) => `${counts[stance]} ${STANCE_WORDS[stance]}`)
    .join(', ');
  return fill(REASON_TEXT.breakdown, { statements: plural(counts.total, 'statement'), stances });
}

function describeMove(t: MomentumTransition): string {
  const values = { from: t.from ?? '', to: t.to, on: t.occurredOn };
  return fill(t.from === null ? REASON_TEXT.first : REASON_TEXT[t.direction], values);
}

/** Short sentences naming the dates and counts that decided the momentum. */
export function explain(facts: MomentumFacts, windowDays: number): string[] {
  const days = windowDays;
  const since = facts.statusSince;
  switch (classify(facts)) {
    case 'concluded':
      return [fill(REASON_TEXT.concluded, { move: describeMove(facts.last) })];
    case 'stalled':
      if (facts.status === 'suspended') return [fill(REASON_TEXT.suspended, { since })];
      return [
        facts.last.direction === 'advance' || facts.last.direction === 'resume'
          ? fill(REASON_TEXT.stalledAfterAdvance, { since, days })
          : fill(REASON_TEXT.stalled, { move: describeMove(facts.last), days }),
      ];
    case 'advancing': {
      const reasons = facts.advances.map(describeMove);
      const more = facts.advanceCount - facts.advances.length;
      if (more > 0) reasons.push(fill(REASON_TEXT.moreAdvances, { more: plural(more, 'earlier advance') }));
      if (facts.window.total > 0) reasons.push(stanceBreakdown(facts.window));
      return reasons;
    }
    case 'active':
      return [
        fill(REASON_TEXT.active, { breakdown: stanceBreakdown(facts.window), days, status: facts.status, since }),
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
