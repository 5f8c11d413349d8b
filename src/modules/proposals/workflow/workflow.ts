import { withArticle } from '../../../common/i18n/wording.js';
import type { Role } from '../../../common/auth/roles.js';
import { type Direction, INITIAL_STATUSES, type Status, isActive, stageRank } from './statuses.js';

export type TransitionDecision =
  { allowed: true; direction: Direction; role: Role } | { allowed: false; reason: string };

const refuse = (reason: string): TransitionDecision => ({ allowed: false, reason });
const allow = (direction: Direction, role: Role = 'staff'): TransitionDecision => ({
  allowed: true,
  direction,
  role,
});

const CLOSING: readonly Status[] = ['rejected', 'withdrawn', 'superseded'];

/**
 * The transition table of the spec, as one pure function: whether a proposal may move from
 * `from` (null at creation) to `to`, in which direction, and the least role that may do it.
 */
export function decideTransition(from: Status | null, to: Status): TransitionDecision {
  if (from === null) {
    return (INITIAL_STATUSES as readonly Status[]).includes(to)
      ? allow('advance')
      : refuse(`a proposal starts as floated or proposed, not ${to}`);
  }
  if (from === to) return refuse(`the proposal is already ${to}`);

  if (isActive(from)) {
    if (isActive(to)) {
      return stageRank(to) > stageRank(from) ? allow('advance') : allow('regress');
    }
    if (to === 'implemented') return allow('advance');
    if (to === 'suspended') return allow('suspend');
    if (CLOSING.includes(to)) return allow('close');
  }
  if (from === 'suspended') {
    if (isActive(to)) return allow('resume');
    if (CLOSING.includes(to)) return allow('close');
    return refuse(`a suspended proposal can resume to an active status or be closed, not move to ${to}`);
  }
  if (from === 'rejected' || from === 'withdrawn') {
    return (INITIAL_STATUSES as readonly Status[]).includes(to)
      ? allow('revive', 'editor')
      : refuse(`${withArticle(from)} proposal can only be revived as floated or proposed`);
  }
  if (from === 'implemented' || from === 'superseded') {
    return refuse(`${withArticle(from)} proposal is final and cannot move to ${to}`);
  }
  return refuse(`no transition from ${from} to ${to}`);
}
