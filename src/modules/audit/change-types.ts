/** Every kind of change the feed carries (contract §7), and those this service adds. */
export const CHANGE_TYPES = [
  'proposal.created',
  'proposal.updated',
  'proposal.redated',
  'proposal.duplicate-marked',
  'proposal.duplicate-unmarked',
  'transition.recorded',
  'transition.retracted',
  'statement.recorded',
  'statement.updated',
  'statement.retracted',
  'participation.recorded',
  'participation.retracted',
  'assessment.recorded',
  'assessment.withdrawn',
  'actor.created',
  'actor.updated',
  'actor.merged',
  'event.created',
  'source.updated',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** A change as a write hands it to the write log, with the audit entry of the same write. */
export interface ChangeInput {
  type: ChangeType;
  /** A sentence a person can read: "drafting → adopted on 2024-07-04". */
  summary: string;
  /** The record as its own GET shows it. */
  data: unknown;
  subject: { type: string; id: string; slug?: string };
  /** The proposals it concerns (ids): their slugs, proposers, forums and tags go with it. */
  proposalIds?: string[];
  /** Actors it concerns beyond the proposals' proposers: the actor itself, a speaker. */
  actorSlugs?: string[];
}
