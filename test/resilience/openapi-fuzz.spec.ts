import fc from 'fast-check';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';
import { counts, createFuzzTargets, printCounts } from './harness.js';

/** The parts of an OpenAPI 3 schema the generator follows. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  example?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

/** What breaks parsers, validators and SQL, given where a value of the right type would go. */
const NASTY: unknown[] = [
  "' OR 1=1 --",
  '\u0000',
  '%00',
  '\ud800',
  '-'.repeat(100),
  'x'.repeat(20_000),
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇰🇿',
  '__proto__',
  '2024-02-30',
  '9999-99-99T99:99:99Z',
  '1e309',
  '0x10',
  ' 5',
  -1,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  1.5,
  true,
  null,
  [],
  [[]],
  {},
  { $gt: '' },
];
const nasty = fc.constantFrom(...NASTY);

/**
 * Values for `schema`: mostly of its shape (so that requests get past the first check and reach
 * deeper code), sometimes anything from {@link NASTY} in its place, at every depth.
 */
function valuesOf(schema: Schema | undefined, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, components);
  if (resolved === undefined || depth > 6) return fc.oneof(nasty, fc.string({ maxLength: 20 }));
  const shaped = shapedValuesOf(resolved, components, depth);
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: nasty });
}

function resolve(schema: Schema | undefined, components: Record<string, Schema>): Schema | undefined {
  if (schema?.$ref === undefined) return schema;
  return resolve(components[schema.$ref.replace('#/components/schemas/', '')], components);
}

function shapedValuesOf(schema: Schema, components: Record<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants !== undefined) return fc.oneof(...variants.map((variant) => valuesOf(variant, components, depth + 1)));
  if (schema.allOf !== undefined) {
    const merged = schema.allOf.map((part) => resolve(part, components) ?? {});
    return shapedValuesOf(Object.assign({}, ...merged) as Schema, components, depth);
  }
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const examples = schema.example === undefined ? [] : [fc.constant(schema.example)];
  switch (type ?? (schema.properties !== undefined ? 'object' : undefined)) {
    case 'string':
      return fc.oneof(
        ...examples,
        formatted(schema),
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) }),
      );
    case 'integer':
      return fc.oneof(
        ...examples,
        fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 200, 10_000) }),
      );
    case 'number':
      return fc.oneof(...examples, fc.double({ noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valuesOf(schema.items, components, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties))
        record[name] = valuesOf(property, components, depth + 1);
      const optional = Object.keys(properties).filter((name) => !required.has(name));
      return fc.record(record, { requiredKeys: [...required].filter((name) => name in properties) }).chain((value) =>
        // Now and then a field nobody declared, or one left out that was required.
        fc.oneof(
          { weight: 8, arbitrary: fc.constant(value) },
          { weight: 1, arbitrary: fc.constant({ ...value, notAField: 1 }) },
          { weight: 1, arbitrary: fc.constant(optional.length === 0 ? {} : value) },
        ),
      );
    }
    default:
      return fc.oneof(nasty, fc.string({ maxLength: 20 }));
  }
}

function formatted(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'uri':
      return fc.webUrl();
    default:
      return schema.pattern !== undefined && schema.pattern.includes('a-z0-9')
        ? fc.constantFrom('fuzz-target', 'eurasian-charter', 'no-such-slug')
        : fc.constantFrom('2024', '2024-07', '2024-07-04', 'state', 'supports', 'fuzz-target');
  }
}

/** Every operation of the document, with its parameters and the schema of its JSON body. */
function operationsOf(document: {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      })),
  );
}

const PER_OPERATION = 40;

/** A generated value as a query string holds it: lists as comma lists, anything else as text. */
function queryText(value: unknown): string {
  if (Array.isArray(value)) return value.map(queryText).join(',');
  if (typeof value === 'string') return value;
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Percent-encoded; a lone surrogate, which has no UTF-8, as the bytes a careless client would send. */
const encodePathSegment = (value: string): string =>
  Array.from(value, (character) => (/\p{Cs}/u.test(character) ? '%ED%A0%80' : encodeURIComponent(character))).join('');

describe('fuzz from the OpenAPI document: every route and field, never a 5xx, every error problem+json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createFuzzTargets(t.http, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await t.close();
  });

  it(`sends ${PER_OPERATION} requests generated from each operation's parameters and body schema`, async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body as Parameters<typeof operationsOf>[0] & {
      components: { schemas: Record<string, Schema> };
    };
    const components = document.components.schemas;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(50);
    const failures: unknown[] = [];
    let seed = 20261203;
    for (const operation of operations) {
      const pathParameters = operation.parameters.filter((p) => p.in === 'path');
      const queryParameters = operation.parameters.filter((p) => p.in === 'query');
      const request = fc.record({
        path: fc.record(
          Object.fromEntries(
            pathParameters.map((p) => [
              p.name,
              fc.oneof(
                { weight: 4, arbitrary: p.schema?.format === 'uuid' ? fc.uuid() : fc.constant('fuzz-target') },
                { weight: 1, arbitrary: nasty.map(String) },
              ),
            ]),
          ),
        ),
        query: fc
          .subarray(queryParameters)
          .chain((chosen) =>
            fc.record(Object.fromEntries(chosen.map((p) => [p.name, valuesOf(p.schema, components)]))),
          ),
        body: operation.body === undefined ? fc.constant(undefined) : valuesOf(operation.body, components),
      });
      // Every parameter and every field of the body, in turn, given each nasty value; the rest
      // as the schema has them. Then requests generated at random, nasty values anywhere.
      const sampleOf = <T>(arbitrary: fc.Arbitrary<T>): T => fc.sample(arbitrary, { numRuns: 1, seed: seed++ })[0];
      const validPath = Object.fromEntries(
        pathParameters.map((p) => [p.name, p.schema?.format === 'uuid' ? crypto.randomUUID() : 'fuzz-target']),
      );
      const bodySchema = resolve(operation.body, components);
      const validBody =
        operation.body === undefined ? undefined : sampleOf(shapedValuesOf(bodySchema ?? {}, components, 0));
      const planned: { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown }[] = [];
      for (const value of NASTY) {
        for (const p of pathParameters)
          planned.push({ path: { ...validPath, [p.name]: value }, query: {}, body: validBody });
        for (const p of queryParameters) planned.push({ path: validPath, query: { [p.name]: value }, body: validBody });
        if (validBody !== null && typeof validBody === 'object' && !Array.isArray(validBody)) {
          for (const name of Object.keys(bodySchema?.properties ?? {})) {
            planned.push({ path: validPath, query: {}, body: { ...validBody, [name]: value } });
          }
        }
      }
      const random = fc.sample(request, { numRuns: PER_OPERATION, seed: seed++ }) as typeof planned;
      for (const generated of [...planned, ...random]) {
        const path = operation.path.replace(/\{(\w+)\}/g, (_all, name: string) =>
          encodePathSegment(String(generated.path[name])),
        );
        const query = new URLSearchParams(
          Object.entries(generated.query).map(([name, value]): [string, string] => [name, queryText(value)]),
        ).toString();
        const url = `${path}${query === '' ? '' : `?${query}`}`;
        let call = t.http[operation.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](url).set(
          ...bearer(ADMIN_TOKEN),
        );
        if (generated.body !== undefined) {
          call = call.set('content-type', 'application/json').send(JSON.stringify(generated.body));
        }
        const response = await call;
        counts.requests += 1;
        const seen = {
          operation: `${operation.method} ${operation.path}`,
          url: url.slice(0, 200),
          body: JSON.stringify(generated.body)?.slice(0, 300),
          status: response.status,
        };
        if (response.status >= 500) failures.push({ ...seen, answer: response.text.slice(0, 300) });
        else if (
          response.status >= 400 &&
          !/^application\/problem\+json/.test(String(response.headers['content-type']))
        ) {
          failures.push({ ...seen, contentType: response.headers['content-type'] });
        }
        if (failures.length >= 10) break;
      }
      if (failures.length >= 10) break;
    }
    expect(failures).toEqual([]);
    expect(counts.requests).toBeGreaterThanOrEqual(operations.length * PER_OPERATION);
    printCounts('openapi fuzz');
  }, 600_000);
});
