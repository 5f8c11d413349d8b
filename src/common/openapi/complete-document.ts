import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { makeProblem, PROBLEM_CONTENT_TYPE, type Problem } from '../errors/problem.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../slugs/slugify.js';
import { validationSchemas } from './validation-schemas.js';

/** The groups of operations, in the order the Swagger UI shows them. */
const TAGS = [
  { name: 'proposals', description: 'Initiatives, their status history (transitions) and editorial assessments' },
  { name: 'statements', description: 'What actors said about proposals, where and when, with their stance' },
  { name: 'actors', description: 'States, organizations and people who propose, back, oppose or speak' },
  { name: 'events', description: 'Summits, conferences, meetings and publications where things were said' },
  {
    name: 'positions',
    description: 'Who stands where: actors’ positions on proposals over time, and their formal acts',
  },
  { name: 'sources', description: 'The publications every record rests on, with everything that cites them' },
  { name: 'reports', description: 'Which proposals are advancing, active, stalled or concluded, and why' },
  { name: 'changes', description: 'What changed: the change feed, watch lists and Atom feeds' },
  { name: 'bulk', description: 'The whole tracker exported as JSON Lines, and restored from it' },
  { name: 'webhooks', description: 'Signed deliveries of changes to your receivers (admin)' },
  { name: 'users', description: 'Accounts, roles and tokens (admin only, except GET /me)' },
  { name: 'audit', description: 'Every write: who, when, what, before and after' },
  { name: 'health', description: 'Probes for orchestrators and load balancers' },
];

const header = (description: string, schema: SchemaObject): HeaderObject => ({ description, schema });

/** The response headers the platform adds, documented once and referred to by each response. */
const HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': header('The request id (yours, if you sent a usable one): quote it when reporting a problem', {
    type: 'string',
    example: '1f0c2e8a-4b6d-4c3e-9a57-0d2b8f6e4a11',
  }),
  'RateLimit-Limit': header('Requests allowed a minute for this token (or address, without one)', {
    type: 'integer',
    example: 600,
  }),
  'RateLimit-Remaining': header('Requests left in the current window', { type: 'integer', example: 599 }),
  'RateLimit-Reset': header('Seconds until the allowance is full again', { type: 'integer', example: 60 }),
  'Retry-After': header('Seconds to wait before retrying', { type: 'integer', example: 30 }),
  ETag: header('The version of the resource: send it back in If-None-Match (GET) or If-Match (PATCH)', {
    type: 'string',
    example: '"3"',
  }),
  Link: header('The next page, when there is one: `<…?cursor=…>; rel="next"` (RFC 8288)', {
    type: 'string',
    example: '</api/v1/proposals?limit=20&cursor=eyJrIjpbIjIwMjUtMTAtMjkiXX0>; rel="next"',
  }),
  'Idempotent-Replayed': header('`true` when this is the stored answer to an earlier request with the same key', {
    type: 'string',
    enum: ['true'],
  }),
  'X-Cache': header('`hit`: sent from the kept copy; `updated`: the copy brought up to date; `miss`: computed', {
    type: 'string',
    enum: ['hit', 'updated', 'miss'],
  }),
};

/** Operations that answer their resource with its ETag. */
const WITH_ETAG = new Set([
  'createUser',
  'updateUser',
  'getCurrentUser',
  'createActor',
  'getActor',
  'updateActor',
  'mergeActor',
  'createEvent',
  'getEvent',
  'getSource',
  'updateSource',
  'getWebhook',
  'updateWebhook',
  'createProposal',
  'getProposal',
  'updateProposal',
  'markProposalDuplicate',
  'unmarkProposalDuplicate',
  'createStatement',
  'getStatement',
  'updateStatement',
  'retractStatement',
]);

/** One realistic problem for each status a route can answer, matching what the service sends. */
const PROBLEM_EXAMPLES: Record<number, Problem> = {
  400: makeProblem(400, 'validation_failed', 'saidOn must not be after today (2026-12-02): a world date has happened', {
    instance: '/api/v1/statements',
    errors: [{ field: 'saidOn', message: 'saidOn must not be after today (2026-12-02): a world date has happened' }],
  }),
  401: makeProblem(401, 'unauthenticated', 'Send a valid token as Authorization: Bearer <token>', {
    instance: '/api/v1/proposals',
  }),
  403: makeProblem(403, 'forbidden', 'This needs the staff role; you are analyst', { instance: '/api/v1/statements' }),
  404: makeProblem(404, 'not_found', 'proposal "eurasian-charterr" does not exist', {
    instance: '/api/v1/proposals/eurasian-charterr',
  }),
  409: makeProblem(
    409,
    'transition_refused',
    'cannot move from implemented to drafting: an implemented proposal is final and cannot move to drafting',
    { instance: '/api/v1/proposals/eurasian-charter/transitions', currentStatus: 'implemented' },
  ),
  412: makeProblem(
    412,
    'precondition_failed',
    'proposal "eurasian-charter" has changed since you read it (now at version 4); read it again and reapply your edit',
    { instance: '/api/v1/proposals/eurasian-charter', currentVersion: 4 },
  ),
  413: makeProblem(
    413,
    'body_too_large',
    'The request body is larger than the route takes: 1 MiB (50 MiB for an import).',
    { instance: '/api/v1/statements' },
  ),
  415: makeProblem(415, 'unsupported_media_type', 'Send the body as application/json.', {
    instance: '/api/v1/statements',
  }),
  422: makeProblem(422, 'unprocessable', 'speaker names actor "alexander-trofimoff", which does not exist', {
    instance: '/api/v1/statements',
    errors: [{ field: 'speaker', message: 'unknown actor "alexander-trofimoff"' }],
  }),
  428: makeProblem(
    428,
    'precondition_required',
    'Send If-Match with the ETag you read, or the version in the body, so a concurrent edit is not overwritten',
    { instance: '/api/v1/proposals/eurasian-charter' },
  ),
  429: makeProblem(429, 'rate_limited', 'More than 600 requests a minute; retry in 12 seconds', {
    instance: '/api/v1/proposals',
  }),
  503: makeProblem(503, 'database_unavailable', 'The database is not answering; retry shortly.', {
    instance: '/api/v1/proposals',
  }),
};

/** The path parameters of reads, filled in from the seed's world. */
const PATH_EXAMPLES: Record<string, string> = {
  'proposals.slug': 'eurasian-charter',
  'actors.slug': 'kazakhstan',
  'events.slug': 'minsk-conference-2025',
};

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

const isReference = (value: unknown): value is ReferenceObject =>
  typeof value === 'object' && value !== null && '$ref' in value;

/**
 * Finishes the document Nest builds from the decorators with what decorators cannot say: the
 * servers, tags and license; the headers the platform adds to responses; one problem example per
 * status; and the constraints the validators enforce (lengths, patterns, ranges, integers), so that
 * a generated client knows them too.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  // The description is published for people who generate clients from it: theirs to reuse.
  document.info.license = { name: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };
  document.servers = [{ url: '/', description: 'The service serving this document' }];
  document.tags = TAGS;
  // Tokens are opaque (ppt_…), not JWTs as Nest's default says.
  const bearer = document.components?.securitySchemes?.bearer as { bearerFormat?: string } | undefined;
  if (bearer !== undefined) delete bearer.bearerFormat;
  document.components = {
    ...document.components,
    headers: HEADERS,
    examples: Object.fromEntries(
      Object.entries(PROBLEM_EXAMPLES).map(([status, value]) => [
        `problem-${status}`,
        { summary: `${value.type.replace('urn:ppt:problem:', '')} (${status})`, value },
      ]),
    ),
  };

  const schemas = validationSchemas();
  mergeConstraints(document.components.schemas ?? {}, schemas);
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods) as [string, OperationObject][]) {
      if (typeof operation !== 'object' || operation.responses === undefined) continue;
      completeParameters(path, method, operation, schemas);
      completeResponses(path, method, operation, document.components.schemas ?? {});
      if (!path.startsWith('/api/')) operation.security = [];
    }
  }
  return document;
}

function completeResponses(
  path: string,
  method: string,
  operation: OperationObject,
  components: Record<string, SchemaObject | ReferenceObject>,
): void {
  const api = path.startsWith('/api/');
  if (!api) operation.responses['400'] ??= problemResponse('An unknown query parameter');
  if (operation.requestBody !== undefined) {
    operation.responses['413'] ??= problemResponse('The body is over 1 MiB');
    operation.responses['415'] ??= problemResponse('The body is not application/json');
  }
  for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
    if (isReference(response)) continue;
    const code = Number(status);
    const headers: Record<string, ReferenceObject> = { 'X-Request-Id': ref('X-Request-Id') };
    if (api) {
      headers['RateLimit-Limit'] = ref('RateLimit-Limit');
      headers['RateLimit-Remaining'] = ref('RateLimit-Remaining');
      headers['RateLimit-Reset'] = ref('RateLimit-Reset');
    }
    if (code === 429 || code === 503) headers['Retry-After'] = ref('Retry-After');
    if (code >= 200 && code < 300) {
      if (WITH_ETAG.has(operation.operationId ?? '')) headers.ETag = ref('ETag');
      if (method === 'get' && isPage(response, components)) headers.Link = ref('Link');
      if (method === 'post') headers['Idempotent-Replayed'] = ref('Idempotent-Replayed');
      if (operation.operationId === 'getProgressReport') headers['X-Cache'] = ref('X-Cache');
    }
    response.headers = { ...response.headers, ...headers };
    const problem = response.content?.[PROBLEM_CONTENT_TYPE];
    const example = PROBLEM_EXAMPLES[code];
    if (problem !== undefined && example !== undefined) {
      problem.examples = {
        [example.type.replace('urn:ppt:problem:', '')]: { $ref: `#/components/examples/problem-${code}` },
      };
    }
  }
}

function problemResponse(description: string): ResponseObject {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDto' } } },
  };
}

/** Whether a response is one page of a list: its schema has `page`. */
function isPage(response: ResponseObject, components: Record<string, SchemaObject | ReferenceObject>): boolean {
  const schema = response.content?.['application/json']?.schema;
  if (!isReference(schema)) return false;
  const component = components[schema.$ref.replace('#/components/schemas/', '')];
  return component !== undefined && !isReference(component) && component.properties?.page !== undefined;
}

/** Constraint keywords a validator implies and a generated client can use. */
const CONSTRAINTS = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'enum',
] as const;

/** Adds to `target` what `source` knows and `target` does not say; `integer` beats `number`. */
function mergeSchema(target: SchemaObject, source: SchemaObject | undefined): void {
  if (source === undefined || target.oneOf !== undefined || target.allOf !== undefined) return;
  if ('$ref' in target) return;
  for (const keyword of CONSTRAINTS) {
    // Unicode property escapes (\p{L}) are not portable: most generators' regex engines reject them.
    if (keyword === 'pattern' && String(source.pattern).includes('\\p{')) continue;
    if (source[keyword] !== undefined && target[keyword] === undefined) {
      (target as Record<string, unknown>)[keyword] = source[keyword];
    }
  }
  if (source.type === 'integer' && (target.type === 'number' || target.type === undefined)) target.type = 'integer';
  if (target.type === 'array' && target.items !== undefined && !isReference(target.items)) {
    mergeSchema(target.items, isReference(source.items) ? undefined : source.items);
  }
}

function mergeConstraints(
  components: Record<string, SchemaObject | ReferenceObject>,
  schemas: Map<string, SchemaObject>,
): void {
  for (const [name, component] of Object.entries(components)) {
    const validated = schemas.get(name);
    if (validated === undefined || isReference(component)) continue;
    for (const [property, schema] of Object.entries(component.properties ?? {})) {
      if (!isReference(schema)) mergeSchema(schema, validated.properties?.[property] as SchemaObject | undefined);
    }
  }
}

/**
 * Query parameters: Nest spreads a query DTO into parameters and keeps no trace of its class, so
 * the DTO is the one whose properties are exactly the operation's query parameters. A list
 * parameter is a comma list (`status=floated,proposed`): `style: form, explode: false`.
 */
function completeParameters(
  path: string,
  method: string,
  operation: OperationObject,
  schemas: Map<string, SchemaObject>,
): void {
  const parameters: (ParameterObject | ReferenceObject)[] = operation.parameters ?? [];
  for (const parameter of parameters) {
    if (isReference(parameter) || parameter.in !== 'path') continue;
    parameter.schema =
      parameter.name === 'slug'
        ? { type: 'string', pattern: SLUG_PATTERN.source, maxLength: SLUG_MAX_LENGTH }
        : { type: 'string', format: 'uuid' };
    // Reads only: a write's target is for the caller to choose.
    const example = method === 'get' ? PATH_EXAMPLES[`${path.split('/')[3]}.${parameter.name}`] : undefined;
    if (example !== undefined) parameter.example = example;
  }
  const query = parameters.filter(
    (parameter): parameter is ParameterObject => !isReference(parameter) && parameter.in === 'query',
  );
  if (query.length === 0) return;
  const names = query.map((parameter) => parameter.name).sort();
  const dto = [...schemas.values()].find((schema) => {
    const properties = Object.keys(schema.properties ?? {}).sort();
    return properties.length === names.length && properties.every((name, index) => name === names[index]);
  });
  for (const parameter of query) {
    const schema = parameter.schema;
    if (schema === undefined || isReference(schema)) continue;
    mergeSchema(schema, dto?.properties?.[parameter.name] as SchemaObject | undefined);
    if (schema.type === 'array') {
      parameter.style = 'form';
      parameter.explode = false;
    }
  }
}
