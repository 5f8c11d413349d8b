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

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('validation_failed', `${field} ${message}`, [{ field, message }]);
