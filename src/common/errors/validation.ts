import { type ArgumentMetadata, type Type, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plural } from '../i18n/wording.js';
import { DomainError, type FieldProblem } from './domain-error.js';

/**
 * Which failed constraint speaks for a field: an unknown field first, then whether it is there at
 * all, then its type or shape (`isString`, `isSlug`, `isIn`, …), and only then its size — "speaker
 * must be shorter than 100 characters" is no answer for a speaker that is a number.
 */
function rank(constraint: string): number {
  if (constraint === 'whitelistValidation') return 0;
  if (constraint === 'isDefined') return 1;
  if (/^is[A-Z]/.test(constraint) || constraint === 'matches' || constraint === 'nestedValidation') return 2;
  return 3;
}

/** class-validator's default wording, made grammatical: "at least 1 elements" and the like. */
function reword(message: string): string {
  return message
    .replace(/^property (\S+) should not exist$/, '$1 is not a known field')
    .replace(/ should not be null or undefined$/, ' is required')
    .replace(/\b1 (element|character)s\b/g, '1 $1');
}

/** The one message for a field that failed: what a person fixing the request needs first. */
function messageOf(error: ValidationError, field: string): string | null {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) return null;
  const whitelist = constraints.find(([name]) => name === 'whitelistValidation');
  if (whitelist !== undefined) return `${field} is not a known field`;
  if (error.value === undefined) {
    // A rule that says what is required (a url or a publisher) says it better than "is required".
    const own = constraints.find(([, message]) => /\brequired\b/.test(message));
    return own !== undefined ? reword(own[1]) : `${field} is required`;
  }
  const [, message] = constraints.sort(([a], [b]) => rank(a) - rank(b))[0];
  return reword(message);
}

/** The most field problems one answer lists; the rest are counted. */
export const MAX_FIELD_PROBLEMS = 20;

/** Appends the problems of `errors` to `into` until it holds `MAX_FIELD_PROBLEMS`; gives how many more there were. */
function collect(errors: ValidationError[], into: FieldProblem[], parent = ''): number {
  let more = 0;
  for (const error of errors) {
    const field =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    if (error.constraints !== undefined && Object.keys(error.constraints).length > 0) {
      if (into.length < MAX_FIELD_PROBLEMS) into.push({ field, message: messageOf(error, field) as string });
      else more += 1;
    }
    more += collect(error.children ?? [], into, field);
  }
  return more;
}

export function validationFailed(errors: ValidationError[]): DomainError {
  const problems: FieldProblem[] = [];
  const more = collect(errors, problems);
  const detail =
    problems.length <= 5 && more === 0
      ? problems.map((problem) => problem.message).join('; ')
      : `${plural(problems.length + more, 'field')} failed validation: ${problems.map((problem) => problem.field).join(', ')}` +
        (more === 0 ? '' : ` and ${more} more`);
  return new DomainError('validation_failed', detail, problems);
}

/** Whitelisted, strict and transforming: unknown fields are a 400, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // The value is read to tell a missing field from a wrong one; it is never sent back.
    validationError: { target: false, value: true },
    exceptionFactory: validationFailed,
  });
}

const shared = createValidationPipe();

/**
 * `raw` checked and converted exactly as the API's validation pipe checks a body or a query of
 * `type` (a DomainError `validation_failed` with the same messages): for what arrives other than as
 * a request's own body — a page's form, an import's rows.
 */
export async function validatedAs<T extends object>(type: Type<T>, raw: object, kind: 'body' | 'query'): Promise<T> {
  const metadata: ArgumentMetadata = { type: kind, metatype: type };
  return (await shared.transform(raw, metadata)) as T;
}
