import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiProperty } from '@nestjs/swagger';
import { invalid } from '../errors/domain-error.js';
import { UNPAIRED } from '../http/json-body.js';

export class PageDto {
  @ApiProperty({ type: 'integer', example: 20 })
  limit: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` to get the next page; null on the last page.',
  })
  nextCursor: string | null;
}

export interface Page<T> {
  data: T[];
  page: { limit: number; nextCursor: string | null };
}

/** A fingerprint of the filters a cursor was issued for, so it cannot be reused with others. */
export function filterFingerprint(filters: Record<string, unknown>): string {
  const normalized = Object.keys(filters)
    .sort()
    .map((key) => [key, filters[key] ?? null]);
  return createHash('sha256').update(JSON.stringify(normalized)).digest('base64url').slice(0, 12);
}

/** The key cursors are signed with: the database's (`useCursorSecret`, at start), else this process's own. */
let signingKey: Buffer = randomBytes(32);

/** Signs cursors with `secret` from now on: the same for every instance sharing the database. */
export function useCursorSecret(secret: string): void {
  signingKey = Buffer.from(secret, 'utf8');
}

const signatureOf = (payload: string): Buffer =>
  createHmac('sha256', signingKey).update(payload).digest().subarray(0, 16);

/**
 * Opaque keyset cursor: the sort key of the last row served, bound to the filters, and signed, so
 * that a cursor is one this API issued and its keys are what it put there.
 */
export function encodeCursor(key: unknown[], filters: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify({ k: key, f: filterFingerprint(filters) })).toString('base64url');
  return `${payload}.${signatureOf(payload).toString('base64url')}`;
}

export function decodeCursor(cursor: string, filters: Record<string, unknown>): unknown[] {
  const notOurs = () => invalid('cursor', 'is not a cursor this API issued');
  const [payload, signature, extra] = cursor.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined) throw notOurs();
  const given = Buffer.from(signature, 'base64url');
  const expected = signatureOf(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notOurs();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw notOurs();
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray((parsed as { k?: unknown }).k) ||
    typeof (parsed as { f?: unknown }).f !== 'string'
  ) {
    throw notOurs();
  }
  const { k, f } = parsed as { k: unknown[]; f: string };
  if (f !== filterFingerprint(filters)) {
    throw invalid('cursor', 'was issued for other filters; start again without a cursor');
  }
  if (k.length > MAX_CURSOR_KEYS || !k.every(isCursorKey)) throw notOurs();
  return k;
}

/** Keys a cursor carries: a sort key has a few columns. */
const MAX_CURSOR_KEYS = 4;

/** The largest magnitude PostgreSQL's `real` holds (a rank is one). */
const REAL_MAX = 3.4e38;

/**
 * A key value as strict as a query parameter: null, a boolean, a finite number within `real`'s
 * range, or a short string with no NUL and no unpaired surrogate (PostgreSQL refuses both). Each
 * list then checks the types its own keys take.
 */
function isCursorKey(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= REAL_MAX;
  return typeof value === 'string' && value.length <= 1000 && !value.includes('\u0000') && !UNPAIRED.test(value);
}

/** Slices one extra row fetched to learn whether another page exists. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  filters: Record<string, unknown>,
  keyOf: (row: R) => unknown[],
  map: (row: R) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    data: shown.map(map),
    page: { limit, nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last), filters) : null },
  };
}
