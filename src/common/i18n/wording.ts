/** The word with its indefinite article: "an implemented", "a suspended", "an advance". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** A count with its noun: "1 statement", "3 statements". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
