/**
 * Every failure a use case can report. The exception filter maps each code to an HTTP status
 * and a problem type in one exhaustive switch.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'slug_taken'
  | 'conflict'
  | 'transition_refused'
  | 'status_mismatch'
  | 'out_of_order'
  | 'retraction_refused'
  | 'precondition_failed'
  | 'precondition_required'
  | 'unprocessable'
  | 'source_required'
  | 'likely_duplicate'
  | 'idempotency_in_flight'
  | 'idempotency_mismatch'
  | 'rate_limited'
  | 'database_unavailable';

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldProblem[],
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, key: string): DomainError =>
  new DomainError('not_found', `${what} "${key}" does not exist`);

/** The body names something that does not exist (an unknown actor, proposal, …). */
export const unknownReference = (field: string, what: string, key: string): DomainError =>
  new DomainError('unprocessable', `${field} names ${what} "${key}", which does not exist`, [
    { field, message: `unknown ${what} "${key}"` },
  ]);

/**
 * A new actor or proposal whose name matches existing ones (case, accents and punctuation aside):
 * refused unless the request says it is new on purpose (`confirmNew`).
 */
export const likelyDuplicate = (
  what: 'actor' | 'proposal',
  field: string,
  existing: { slug: string; name: string }[],
): DomainError =>
  new DomainError(
    'likely_duplicate',
    `${existing.length === 1 ? `an existing ${what} has` : `existing ${what}s have`} this ${field}: ` +
      `${existing.map((record) => `${record.slug} ("${record.name}")`).join(', ')}; ` +
      `use it, or send confirmNew: true if this is another ${what}`,
    [{ field, message: `matches ${existing.map((record) => record.slug).join(', ')}` }],
    { duplicates: existing },
  );

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('validation_failed', `${field} ${message}`, [{ field, message }]);
