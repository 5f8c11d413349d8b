/**
 * Search text for `websearch_to_tsquery`: each run of `-` (spaces between them or not) as one.
 * Every `-` of a run is another NOT stacked on the same word, and past 32 PostgreSQL fails
 * ("tsquery stack too small"); one means what all of them could.
 */
export function webSearchText(q: string): string {
  return q.replace(/-[\s-]*-/g, '-');
}
