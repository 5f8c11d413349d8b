/** A `%…%` LIKE pattern matching `text` literally: its wildcards escaped, so "50%" finds the text "50%". */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
