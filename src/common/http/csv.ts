/**
 * RFC 4180 CSV: a header line, every field quoted (inner quotes doubled), CRLF line ends, UTF-8.
 * Quoting every field keeps commas, quotes and line breaks in titles and reasons intact.
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  const field = (value: string | number | null | undefined): string =>
    `"${(value === null || value === undefined ? '' : String(value)).replace(/"/g, '""')}"`;
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
