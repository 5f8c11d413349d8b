import { DomainError, type FieldProblem } from '../../common/errors/domain-error.js';
import { validatedAs } from '../../common/errors/validation.js';

/** A page's form or query checked exactly as the API checks a body or query of that type. */
export const validated = validatedAs;

/** A form's query without its empty fields: an empty filter box means no filter. */
export function withoutEmpty(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => !(value === '' || (Array.isArray(value) && value.length === 0))),
  );
}

/** A form field's value as one string (a repeated field gives its first value). */
export function text(value: unknown): string {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' ? value.trim() : '';
}

/** The values of a field that may be repeated (checkboxes, a multiple select). */
export function texts(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(text).filter((item) => item !== '');
}

/** Field problems of a failed write, keyed by field, each prefixed with where it came from. */
export function problemsOf(error: unknown, prefix: string): Record<string, string> | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const problems: FieldProblem[] = error.errors ?? [];
  if (problems.length === 0) return { [prefix === '' ? 'form' : prefix]: error.message };
  return Object.fromEntries(
    problems.map((problem) => [prefix === '' ? problem.field : `${prefix}.${problem.field}`, problem.message]),
  );
}

/** A local path to return to after signing in; anything else (another site, a scheme) is `/`. */
export function localPath(next: unknown): string {
  const value = text(next);
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/';
}
