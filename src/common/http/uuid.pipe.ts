import { Injectable, type PipeTransform } from '@nestjs/common';
import { notFound } from '../errors/domain-error.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../slugs/slugify.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A path id that is not a UUID names nothing that exists: 404, like any unknown id. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!isUuid(value)) throw notFound(this.what, value);
    return value.toLowerCase();
  }
}

/** A path slug that is not one (upper case, spaces, NUL, …) names nothing that exists: 404. */
@Injectable()
export class SlugPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (value.length > SLUG_MAX_LENGTH || !SLUG_PATTERN.test(value))
      throw notFound(this.what, value.slice(0, SLUG_MAX_LENGTH));
    return value;
  }
}
