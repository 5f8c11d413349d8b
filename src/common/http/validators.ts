import { ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * Optional, but not nullable: absent skips validation, `null` is validated (and so refused).
 * Use it for fields that have no "cleared" state, where `@IsOptional()` would let null through.
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((object: Record<string, unknown>, value: unknown) => value !== undefined, options);
}
