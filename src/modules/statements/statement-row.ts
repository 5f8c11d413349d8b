/**
 * A statement as one flat row — a CSV line of an import, the columns `GET /export/statements.csv`
 * writes — and the body `POST /statements` takes for it. One mapping, so that a file exported can
 * be imported again, and every row is then validated exactly as that endpoint validates a body.
 */

import { validatedAs } from '../../common/errors/validation.js';
import { CreateStatementDto } from './dto/statements.dto.js';

/** The columns a statement row may have: what the body holds. */
export const STATEMENT_ROW_COLUMNS = [
  'speaker',
  'speakerRole',
  'onBehalfOf',
  'saidOn',
  'saidOnCertainty',
  'saidOnBasis',
  'event',
  'quote',
  'summary',
  'language',
  'proposals',
  'sourceUrl',
  'sourcePublisher',
  'sourceTitle',
  'sourcePublishedOn',
  'note',
] as const;

/** Columns the export writes that describe a recorded statement, not a new one: taken and ignored. */
export const STATEMENT_EXPORT_ONLY_COLUMNS = [
  'id',
  'speakerName',
  'recordedAt',
  'recordedBy',
  'retracted',
  'retractedAt',
  'retractionReason',
] as const;

/** The columns a file must have (its other columns may be left out, or empty). */
export const STATEMENT_REQUIRED_COLUMNS = ['speaker', 'saidOn', 'proposals'] as const;

/** Values several in one cell (`slug:stance; slug:stance`) are separated so. */
export const ROW_LIST_SEPARATOR = ';';

/** A row as the body of `POST /statements`, validated exactly as that endpoint validates one. */
export function statementInputOf(row: Record<string, string | undefined>): Promise<CreateStatementDto> {
  return validatedAs(CreateStatementDto, statementBodyOf(row), 'body');
}

/**
 * The body for a row: empty cells left out, `saidOn` with its certainty and basis when given,
 * the source from its four columns, the proposals from `slug:stance` pairs. What is malformed
 * (a pair without a stance) is kept as written, for the validation to name.
 */
export function statementBodyOf(row: Record<string, string | undefined>): Record<string, unknown> {
  const cell = (name: string): string | undefined => {
    const value = row[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const certainty = cell('saidOnCertainty');
  const saidOn = cell('saidOn');
  const source = Object.fromEntries(
    (
      [
        ['url', cell('sourceUrl')],
        ['publisher', cell('sourcePublisher')],
        ['title', cell('sourceTitle')],
        ['publishedOn', cell('sourcePublishedOn')],
      ] as const
    ).filter(([, value]) => value !== undefined),
  );
  const proposals = (cell('proposals') ?? '')
    .split(ROW_LIST_SEPARATOR)
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.lastIndexOf(':');
      return at < 0 ? { slug: pair } : { slug: pair.slice(0, at).trim(), stance: pair.slice(at + 1).trim() };
    });
  const body: Record<string, unknown> = {
    speaker: cell('speaker'),
    speakerRole: cell('speakerRole'),
    onBehalfOf: cell('onBehalfOf'),
    saidOn:
      certainty === undefined || certainty === 'stated'
        ? saidOn
        : { value: saidOn, certainty, basis: cell('saidOnBasis') },
    event: cell('event'),
    quote: cell('quote'),
    summary: cell('summary'),
    language: cell('language'),
    source: Object.keys(source).length === 0 ? undefined : source,
    proposals,
    note: cell('note'),
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
