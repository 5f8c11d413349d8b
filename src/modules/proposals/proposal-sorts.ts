import { isPartialDate } from '../../common/dates/partial-date.js';
import { isUuid } from '../../common/http/uuid.pipe.js';

export const PROPOSAL_SORTS = [
  '-lastActivityOn',
  'title',
  'proposedOn',
  '-proposedOn',
  '-statusSince',
  'relevance',
] as const;
export type ProposalSort = (typeof PROPOSAL_SORTS)[number];

/** The values a row is ordered by, as they appear on a list row. */
export interface SortableRow {
  id: string;
  title: string;
  proposedOn: string;
  statusSince: string;
  lastActivityOn: string;
  rank?: number;
}

interface SortSpec {
  /** SQL expressions ordered by, the row id last as the tie-breaker; {@link RANK} is the search rank. */
  columns: string[];
  /** SQL casts for the cursor's values, one per column. */
  casts: string[];
  descending: boolean;
  key: (row: SortableRow) => unknown[];
  /** Whether a decoded cursor value can be a value of this column. */
  valid: ((value: unknown) => boolean)[];
}

/** Stands for the full-text rank expression, which only the query knows. */
export const RANK = '<rank>';

const date = (value: unknown): boolean => isPartialDate(value);
const text = (value: unknown): boolean => typeof value === 'string' && value.length <= 1000;
const uuid = (value: unknown): boolean => typeof value === 'string' && isUuid(value);
const real = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

/**
 * Each order proposals can be listed in, as a keyset: the cursor carries the sort values of the
 * last row served, and the next page starts strictly after them, so rows inserted meanwhile
 * never shift a page and every match is visited once.
 */
export const SORTS: Record<ProposalSort, SortSpec> = {
  '-lastActivityOn': {
    columns: ['p.last_activity_on', 'p.id'],
    casts: ['partial_date', 'uuid'],
    descending: true,
    key: (row) => [row.lastActivityOn, row.id],
    valid: [date, uuid],
  },
  title: {
    columns: ['p.title', 'p.id'],
    casts: ['text', 'uuid'],
    descending: false,
    key: (row) => [row.title, row.id],
    valid: [text, uuid],
  },
  proposedOn: {
    columns: ['p.proposed_on', 'p.id'],
    casts: ['partial_date', 'uuid'],
    descending: false,
    key: (row) => [row.proposedOn, row.id],
    valid: [date, uuid],
  },
  '-proposedOn': {
    columns: ['p.proposed_on', 'p.id'],
    casts: ['partial_date', 'uuid'],
    descending: true,
    key: (row) => [row.proposedOn, row.id],
    valid: [date, uuid],
  },
  '-statusSince': {
    columns: ['p.status_since', 'p.id'],
    casts: ['partial_date', 'uuid'],
    descending: true,
    key: (row) => [row.statusSince, row.id],
    valid: [date, uuid],
  },
  relevance: {
    columns: [RANK, 'p.id'],
    casts: ['real', 'uuid'],
    descending: true,
    key: (row) => [row.rank ?? 0, row.id],
    valid: [real, uuid],
  },
};

/** Whether `key` (from a cursor) fits the sort: right length, right type in each place. */
export function isSortKey(sort: ProposalSort, key: unknown[]): boolean {
  const spec = SORTS[sort];
  return key.length === spec.valid.length && spec.valid.every((valid, index) => valid(key[index]));
}
