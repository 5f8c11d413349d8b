import type { WorldDate } from '../../common/dates/world-date.js';

/** A citation as the service keeps it: its date normalized with its certainty. */
export interface Citation {
  url?: string | null;
  publisher?: string | null;
  title?: string | null;
  publishedOn?: WorldDate | null;
  note?: string | null;
}

/**
 * The identity of a source: its URL with scheme and host lower-cased, the fragment dropped and
 * a trailing slash ignored; without a URL, its publisher, title and date, case-insensitively.
 */
export function sourceKey(source: Citation): string {
  if (source.url !== undefined && source.url !== null) {
    const url = new URL(source.url);
    const path = url.pathname.replace(/\/+$/, '');
    return `url:${url.protocol}//${url.host}${path}${url.search}`;
  }
  const part = (value: string | null | undefined): string => (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  return `pub:${part(source.publisher)}|${part(source.title)}|${source.publishedOn?.value ?? ''}`;
}
