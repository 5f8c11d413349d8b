import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';
import { DomainError, type FieldProblem } from './domain-error.js';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator words "property x should not exist" for unknown fields; say it plainly.
      message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field'),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export function validationFailed(errors: ValidationError[]): DomainError {
  const problems = flatten(errors);
  const detail =
    problems.length === 1
      ? problems[0].message
      : `${problems.length} fields failed validation: ${problems.map((p) => p.field).join(', ')}`;
  return new DomainError('validation_failed', detail, problems);
}

type ValidationMetadatas = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;
type GroupedMetadatas = ReturnType<MetadataStorage['groupByPropertyName']>;
const CACHED = Symbol('ppt:cached-validation-metadata');

/**
 * Has class-validator look up a class's rules once instead of on every object it validates.
 *
 * For each object (a body, and each nested object in it) class-validator gathers the class's rules
 * afresh: it walks every class that has rules to find the ancestors (`instanceof` on each), filters
 * their rules and groups them by property. Rules are fixed once a class is defined (its decorators
 * register them then), so the answer for a class never changes: it is kept, per class and set of
 * options, together with its grouping. Validation by groups (not used here) is looked up each
 * time, as before. Applied once to the process's one metadata storage; later calls do nothing.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const patched = storage as MetadataStorage & { [CACHED]?: true };
  if (patched[CACHED]) return;
  patched[CACHED] = true;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  // Per class and schema (class-validator names the parent class as the schema of a nested
  // object), the rules for each combination of the two flags that change them.
  const kept = new Map<unknown, Map<string | undefined, (ValidationMetadatas | undefined)[]>>();
  const grouped = new WeakMap<ValidationMetadatas, GroupedMetadatas>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups !== undefined && groups.length > 0) return lookUp(target, schema, always, strictGroups, groups);
    let forTarget = kept.get(target);
    if (forTarget === undefined)
      kept.set(target, (forTarget = new Map<string | undefined, (ValidationMetadatas | undefined)[]>()));
    let forSchema = forTarget.get(schema);
    if (forSchema === undefined) forTarget.set(schema, (forSchema = []));
    const flags = (always ? 1 : 0) + (strictGroups ? 2 : 0);
    let rules = forSchema[flags];
    if (rules === undefined) {
      // Frozen: one list now serves every validation of the class, so no caller may change it.
      rules = forSchema[flags] = Object.freeze(
        lookUp(target, schema, always, strictGroups, groups),
      ) as ValidationMetadatas;
      grouped.set(rules, group(rules));
    }
    return rules;
  };
  // A kept list is grouped once, when it is kept; any other list is grouped each time, as before.
  storage.groupByPropertyName = (metadata) => grouped.get(metadata) ?? group(metadata);
}

/** Whitelisted, strict and transforming: unknown fields are a 400, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: validationFailed,
  });
}
