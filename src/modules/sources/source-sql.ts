/**
 * A source row `s` as a citing record shows it (`SourceDto`), as JSON: the one definition every
 * read model that embeds a source uses.
 */
export function sourceJsonSql(s: string): string {
  return `json_build_object('id', ${s}.id, 'url', ${s}.url, 'publisher', ${s}.publisher, 'title', ${s}.title,
                            'publishedOn', ${s}.published_on,
                            'publishedOnCertainty', CASE WHEN ${s}.published_on IS NULL THEN NULL ELSE ${s}.published_on_certainty END,
                            'publishedOnBasis', ${s}.published_on_basis)`;
}
