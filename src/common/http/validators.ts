import { Matches, ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * Optional, but not nullable: absent skips validation, `null` is validated (and so refused).
 * Use it for fields that have no "cleared" state, where `@IsOptional()` would let null through.
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((object: Record<string, unknown>, value: unknown) => value !== undefined, options);
}

/** Text a reader can see: at least one character that is not a space, a control or a format character. */
export function HasText(options?: ValidationOptions): PropertyDecorator {
  return Matches(/[^\p{White_Space}\p{Cc}\p{Cf}]/u, {
    message: ({ property }) => `${property} must hold visible text, not only spaces or control characters`,
    ...options,
  });
}
