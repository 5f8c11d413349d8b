import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator } from 'class-validator';
import { firstDay, isPartialDate, PARTIAL_DATE_MESSAGE, type PartialDate, today } from './partial-date.js';

/**
 * How sure a world date is (contract §5): `stated` by the source, `inferred` from it (a dateline
 * without a year), `approximate` ("a decade ago"), or `not-after` — it happened on or before the
 * date ("has been put forward").
 */
export const DATE_CERTAINTIES = ['stated', 'inferred', 'approximate', 'not-after'] as const;
export type DateCertainty = (typeof DATE_CERTAINTIES)[number];

/** The longest basis a date may carry. */
export const BASIS_MAX_LENGTH = 500;

/** A world date with its provenance: `basis` says how a date that is not stated was worked out. */
export interface WorldDate {
  value: PartialDate;
  certainty: DateCertainty;
  basis: string | null;
}

/** A date as a request may give it: a plain partial date (stated), or the object form. */
export type WorldDateInput = PartialDate | { value: PartialDate; certainty: DateCertainty; basis?: string };

const KEYS = new Set(['value', 'certainty', 'basis']);

/**
 * What is wrong with a world date as given, or null when nothing is: a partial date after today,
 * an object with an unknown key or certainty, or one not stated without its basis.
 */
export function worldDateProblem(field: string, raw: unknown): string | null {
  if (typeof raw === 'string') return partialDateProblem(field, raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return `${field} must be a date (YYYY, YYYY-MM or YYYY-MM-DD) or {value, certainty, basis}`;
  }
  const given = raw as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !KEYS.has(key));
  if (unknown !== undefined) return `${field}.${unknown} is not a known field (value, certainty, basis)`;
  if (given.value === undefined) return `${field}.value is required`;
  const value = partialDateProblem(`${field}.value`, given.value);
  if (value !== null) return value;
  if (!DATE_CERTAINTIES.includes(given.certainty as DateCertainty)) {
    return `${field}.certainty must be one of ${DATE_CERTAINTIES.join(', ')}`;
  }
  if (given.basis !== undefined && (typeof given.basis !== 'string' || given.basis.length > BASIS_MAX_LENGTH)) {
    return `${field}.basis must be a text of at most ${BASIS_MAX_LENGTH} characters`;
  }
  if (given.certainty !== 'stated' && (typeof given.basis !== 'string' || given.basis.trim() === '')) {
    return `${field}.basis is required when the date is ${String(given.certainty)}: say how it was worked out`;
  }
  return null;
}

function partialDateProblem(field: string, raw: unknown): string | null {
  if (!isPartialDate(raw)) return `${field} ${PARTIAL_DATE_MESSAGE}`;
  if (firstDay(raw) > today()) return `${field} must not be after today (${today()}): a world date has happened`;
  return null;
}

/** A valid date input as a {@link WorldDate}; a plain date is stated. */
export function toWorldDate(input: WorldDateInput): WorldDate {
  if (typeof input === 'string') return { value: input, certainty: 'stated', basis: null };
  const basis = input.basis?.trim();
  return { value: input.value, certainty: input.certainty, basis: basis === undefined || basis === '' ? null : basis };
}

/** A date, optional or not, as the service keeps it. */
export function worldDateOf(input: WorldDateInput | undefined): WorldDate | undefined;
export function worldDateOf(input: WorldDateInput | null | undefined): WorldDate | null | undefined;
export function worldDateOf(input: WorldDateInput | null | undefined): WorldDate | null | undefined {
  return input === undefined || input === null ? input : toWorldDate(input);
}

/**
 * A world-date field of a request body: a partial date, or `{value, certainty, basis}`, validated
 * as one value with one message naming what is wrong; documented in the OpenAPI document as both.
 */
export function IsWorldDate(options: { required: boolean; example: string; description?: string }): PropertyDecorator {
  const schema = {
    oneOf: [
      { type: 'string', pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', example: options.example },
      {
        type: 'object',
        required: ['value', 'certainty'],
        additionalProperties: false,
        properties: {
          value: { type: 'string', pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', example: options.example },
          certainty: { type: 'string', enum: [...DATE_CERTAINTIES], example: 'inferred' },
          basis: {
            type: 'string',
            maxLength: BASIS_MAX_LENGTH,
            example: 'dateline without a year; the year of the event it reports',
          },
        },
      },
    ],
    description: `${options.description ?? 'A world date'}: YYYY, YYYY-MM or YYYY-MM-DD, not after today, as given (stated), or {value, certainty, basis} — basis required unless certainty is stated.`,
  };
  const documented = options.required ? ApiProperty(schema) : ApiPropertyOptional(schema);
  return applyDecorators(
    documented,
    // Keep the object as given (class-transformer would otherwise drop it for an unknown class).
    Transform(({ obj, key }) => (obj as Record<string, unknown>)[key], { toClassOnly: true }),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isWorldDate',
        target: target.constructor,
        propertyName: String(propertyName),
        options: { message: ({ property, value }) => worldDateProblem(property, value) ?? `${property} is not valid` },
        validator: {
          validate: (value: unknown) =>
            (value === undefined && !options.required) || worldDateProblem('', value) === null,
        },
      }),
  );
}

/** The OpenAPI description of a response's `<field>Certainty`. */
export function ApiCertainty(nullable = false): PropertyDecorator {
  return ApiProperty({
    enum: DATE_CERTAINTIES,
    nullable,
    example: 'stated',
    description: `How sure the date beside it is${nullable ? '; null when there is no date' : ''}`,
  });
}

/** The OpenAPI description of a response's `<field>Basis`. */
export function ApiBasis(): PropertyDecorator {
  return ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'How the date beside it was worked out; null when it is stated',
  });
}
