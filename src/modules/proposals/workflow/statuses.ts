/** Active statuses, in the order a proposal moves through them. */
export const ACTIVE_STATUSES = [
  'floated',
  'proposed',
  'under_discussion',
  'drafting',
  'adopted',
  'implementing',
] as const;
export const TERMINAL_STATUSES = ['implemented', 'rejected', 'withdrawn', 'superseded'] as const;
export const STATUSES = [...ACTIVE_STATUSES, 'suspended', ...TERMINAL_STATUSES] as const;

export type ActiveStatus = (typeof ACTIVE_STATUSES)[number];
export type Status = (typeof STATUSES)[number];

export const DIRECTIONS = ['advance', 'regress', 'suspend', 'resume', 'close', 'revive'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const INITIAL_STATUSES = ['floated', 'proposed'] as const;
export type InitialStatus = (typeof INITIAL_STATUSES)[number];

/**
 * The order `furthestStatus` is measured on: the active statuses, then `implemented`.
 * Paused and other terminal statuses are not stages and have no rank.
 */
export const STAGE_ORDER: readonly Status[] = [...ACTIVE_STATUSES, 'implemented'];

export function isActive(status: Status): status is ActiveStatus {
  return (ACTIVE_STATUSES as readonly Status[]).includes(status);
}

export function isTerminal(status: Status): boolean {
  return (TERMINAL_STATUSES as readonly Status[]).includes(status);
}

export function stageRank(status: Status): number {
  return STAGE_ORDER.indexOf(status);
}

/** The further of two stages; statuses without a rank never replace one that has it. */
export function furthestOf(current: Status, reached: Status): Status {
  return stageRank(reached) > stageRank(current) ? reached : current;
}
