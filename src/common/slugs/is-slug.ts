import { registerDecorator, type ValidationOptions } from 'class-validator';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from './slugify.js';

/** Whether `value` is a slug: lower-case a-z and 0-9 in words joined by single hyphens, at most 100 characters. */
export function isSlug(value: unknown): value is string {
  return typeof value === 'string' && value.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(value);
}

/**
 * The one slug rule of every body and query field that names a record by slug, with one message
 * for whatever is wrong with it. `each` for a list of slugs.
 */
export function IsSlug(options: Pick<ValidationOptions, 'each'> = {}): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSlug',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        each: options.each,
        message: ({ property }) =>
          `${options.each ? `each of ${property}` : property} must be a slug: lower-case a-z, 0-9 and single hyphens, at most ${SLUG_MAX_LENGTH} characters`,
      },
      validator: { validate: isSlug },
    });
}
