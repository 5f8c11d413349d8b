import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorCode, FieldProblem } from './domain-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldProblemDto implements FieldProblem {
  @ApiProperty({ example: 'proposedOn' })
  field: string;

  @ApiProperty({ example: 'proposedOn must be a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD' })
  message: string;
}

/** RFC 9457 problem details, the body of every 4xx and 5xx response. */
export class ProblemDto {
  @ApiProperty({
    example: 'urn:ppt:problem:validation_failed',
    description: 'Identifies the kind of problem; stable across releases.',
  })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status: number;

  @ApiProperty({ example: 'proposedOn must be a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD' })
  detail: string;

  @ApiPropertyOptional({ example: '/api/v1/proposals' })
  instance?: string;

  @ApiPropertyOptional({
    description: 'The request id, also in the X-Request-Id header; quote it when reporting a 500.',
  })
  requestId?: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'One entry per field that failed validation.' })
  errors?: FieldProblemDto[];

  @ApiPropertyOptional({
    example: 'implemented',
    description: 'With status_mismatch and transition_refused: the status the proposal is in now.',
  })
  currentStatus?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 4,
    description: 'With precondition_failed: the version the resource is at now.',
  })
  currentVersion?: number;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', properties: { slug: { type: 'string' }, name: { type: 'string' } } },
    example: [{ slug: 'kazakhstan', name: 'Kazakhstan' }],
    description: 'With likely_duplicate: the existing records the new one matches.',
  })
  duplicates?: { slug: string; name: string }[];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Problem types raised outside use cases: by the HTTP layer, Fastify or the platform. */
export type TransportProblemCode =
  'malformed_json' | 'body_too_large' | 'unsupported_media_type' | 'bad_request' | 'not_ready' | 'internal';

export type ProblemCode = ErrorCode | TransportProblemCode;

export function problemType(code: ProblemCode): string {
  return `urn:ppt:problem:${code}`;
}

export function makeProblem(status: number, code: ProblemCode, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, ...extra };
}
