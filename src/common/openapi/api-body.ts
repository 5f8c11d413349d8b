import type { Type } from '@nestjs/common';
import { ApiBody, type ExamplesObject } from '@nestjs/swagger';

/**
 * A request body with named examples; the Swagger UI's "Try it out" fills in the first. Examples
 * come from the seed's world, so they are valid as they stand, and every one that writes says it
 * is an example (text beginning "Example", URLs on example.org), so a record made by sending one
 * unedited is recognizable as such.
 */
export function ApiRequestBody(type: Type<unknown>, examples: ExamplesObject): MethodDecorator {
  return ApiBody({ type, examples });
}
