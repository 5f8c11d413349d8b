import type { SourceInputDto } from './dto/source.dto.js';

/**
 * The identity of a source: its URL with scheme and host lower-cased, the fragment dropped and
 * a trailing slash ignored; without a URL, its publisher, title and date, case-insensitively.
 */
export function sourceKey(source: SourceInputDto): string {
  if (source.url !== undefined) {
    const url = new URL(source.url);
    const path = url.pathname.replace(/\/+$/, '');
    return `url:${url.protocol}//${url.host}${path}${url.search}`;
  }
  const part = (value: string | undefined): string => (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  return `pub:${part(source.publisher)}|${part(source.title)}|${source.publishedOn ?? ''}`;
}
