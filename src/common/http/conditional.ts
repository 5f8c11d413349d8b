import { DomainError, invalid } from '../errors/domain-error.js';

/**
 * The strong ETag of a versioned resource: `"3"`. A representation that also depends on the
 * day it is read (a proposal's momentum as of today) carries the day too: `"3@2026-11-22"`, so a
 * cached copy is not reused once the day has moved on.
 */
export function etagFor(version: number, day?: string): string {
  return day === undefined ? `"${version}"` : `"${version}@${day}"`;
}

/** Reads the version out of an `If-Match` header (`"3"` or `"3@2026-11-22"`, also `W/"3"` and `3`). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})(?:@\d{4}-\d{2}-\d{2})?"?\s*$/.exec(header);
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
export function withEtag<T>(
  reply: HeaderReply,
  version: number,
  body: T,
  ifNoneMatch?: string,
  day?: string,
): T | undefined {
  const etag = etagFor(version, day);
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
