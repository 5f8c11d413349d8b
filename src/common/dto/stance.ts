/** Where a statement stands toward a proposal it concerns. */
export const STANCES = ['supports', 'opposes', 'neutral'] as const;
export type Stance = (typeof STANCES)[number];
