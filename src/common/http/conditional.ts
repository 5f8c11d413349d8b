import { DomainError, invalid } from '../errors/domain-error.js';

/** The strong ETag of a versioned resource. */
export function etagFor(version: number): string {
  return `"${version}"`;
}

/** Reads the version out of an `If-Match` header (`"3"`, also tolerating `W/"3"` and `3`). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw invalid('If-Match', 'must be the ETag of the resource, e.g. "3"');
  }
  return Number(match[1]);
}

/**
 * The version a PATCH expects to replace: from `If-Match` or the body's `version`.
 * Neither → 428; both but different → 412, since one of them is stale.
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number {
  const fromHeader = parseIfMatch(ifMatch);
  if (fromHeader === undefined && bodyVersion === undefined) {
    throw new DomainError(
      'precondition_required',
      'Send If-Match with the ETag you read, or the version in the body, so a concurrent edit is not overwritten',
    );
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new DomainError('precondition_failed', 'If-Match and the body version disagree');
  }
  return (fromHeader ?? bodyVersion) as number;
}

export const staleVersion = (what: string, current: number): DomainError =>
  new DomainError(
    'precondition_failed',
    `${what} has changed since you read it (now at version ${current}); read it again and reapply your edit`,
    undefined,
    { currentVersion: current },
  );

interface HeaderReply {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
}

/**
 * Sets the ETag of a single-resource response. On a GET whose `If-None-Match` already names
 * it, answers 304 with no body instead.
 */
export function withEtag<T>(reply: HeaderReply, version: number, body: T, ifNoneMatch?: string): T | undefined {
  const etag = etagFor(version);
  reply.header('etag', etag);
  if (
    ifNoneMatch !== undefined &&
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')
  ) {
    reply.status(304);
    return undefined;
  }
  return body;
}
