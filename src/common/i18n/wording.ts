/** The word with its indefinite article: "an implemented", "a suspended", "an advance". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** "Belarus", "Belarus and Russia", "Belarus, Russia and Kazakhstan". */
export function listOf(names: string[], none = 'Someone'): string {
  return names.length <= 1 ? (names[0] ?? none) : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** A count with its noun: "1 statement", "3 statements". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
