import fc from 'fast-check';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';
import { counts, createFuzzTargets, printCounts } from './harness.js';

const ROUTES: [string, string][] = [
  ['GET', '/api/v1/actors'],
  ['POST', '/api/v1/actors'],
  ['GET', '/api/v1/actors/{slug}'],
  ['PATCH', '/api/v1/actors/{slug}'],
  ['GET', '/api/v1/proposals'],
  ['POST', '/api/v1/proposals'],
  ['GET', '/api/v1/proposals/{slug}'],
  ['PATCH', '/api/v1/proposals/{slug}'],
  ['GET', '/api/v1/proposals/{slug}/status'],
  ['POST', '/api/v1/proposals/{slug}/transitions'],
  ['GET', '/api/v1/proposals/{slug}/transitions'],
  ['POST', '/api/v1/proposals/{slug}/transitions/{id}/retract'],
  ['GET', '/api/v1/proposals/{slug}/timeline'],
  ['GET', '/api/v1/proposals/{slug}/statements'],
  ['GET', '/api/v1/statements'],
  ['POST', '/api/v1/statements'],
  ['GET', '/api/v1/statements/{id}'],
  ['PATCH', '/api/v1/statements/{id}'],
  ['POST', '/api/v1/statements/{id}/retract'],
  ['GET', '/api/v1/events'],
  ['POST', '/api/v1/events'],
  ['GET', '/api/v1/events/{slug}'],
  ['GET', '/api/v1/reports/progress'],
  ['GET', '/api/v1/audit'],
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users'],
  ['PATCH', '/api/v1/users/{id}'],
  ['POST', '/api/v1/users/{id}/tokens'],
  ['DELETE', '/api/v1/users/{id}/tokens/{id}'],
  ['GET', '/api/v1/me'],
];

const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE proposals; --',
  '../../etc/passwd',
  '%00',
  '\u0000',
  'ИКСА',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇰🇿',
  '__proto__',
  'constructor',
  '{"$gt": ""}',
  'null',
  'x'.repeat(5000),
  '2024-02-30',
  '9999-99-99',
  '-1',
  '1e309',
];

const field = fc.oneof(
  fc.constantFrom(
    'slug',
    'name',
    'kind',
    'title',
    'proposedOn',
    'proposers',
    'forums',
    'tags',
    'parent',
    'related',
    'to',
    'from',
    'occurredOn',
    'sources',
    'statementIds',
    'supersededBy',
    'speaker',
    'saidOn',
    'quote',
    'summary',
    'language',
    'source',
    'proposals',
    'stance',
    'reason',
    'role',
    'active',
    'version',
    'startsOn',
    'organizers',
    '__proto__',
    'constructor',
    'prototype',
  ),
  fc.string({ maxLength: 12 }),
);
const scalar = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('state', 'organization', 'proposed', 'drafting', 'supports', '2024', '2024-07-04', 'fuzz-target'),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(field, tie('value'), { maxKeys: 6 }),
  ),
}));
const deep = fc.integer({ min: 50, max: 2000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const body = fc.oneof(
  { weight: 5, arbitrary: fc.dictionary(field, value, { maxKeys: 8 }).map((object) => ({ json: object })) },
  { weight: 1, arbitrary: value.map((json) => ({ json })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{', '{"a":}', '[1,2', 'nul', '{"a":1}}', '\u0000', '').map((raw) => ({ raw })),
  },
  { weight: 1, arbitrary: deep.map((raw) => ({ raw })) },
  {
    weight: 1,
    arbitrary: fc.constant({ raw: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' }),
  },
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  param: fc.oneof(
    fc.constantFrom('fuzz-target', 'nope', crypto.randomUUID()),
    fc.constantFrom(...NASTY),
    fc.string({ maxLength: 30 }),
  ),
  query: fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'limit',
        'cursor',
        'status',
        'q',
        'asOf',
        'windowDays',
        'sort',
        'momentum',
        'from',
        'to',
        'kind',
        'includeRetracted',
        'format',
        'updatedSince',
        'stance',
      ),
      fc.string({ maxLength: 8 }),
    ),
    fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 30 })),
    { maxKeys: 3 },
  ),
  body,
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/xml',
    '',
  ),
});

/** Row counts and version sums of every table a write touches: any change shows. */
const FINGERPRINT = `SELECT concat_ws(',',
  (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM actors),
  (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM proposals),
  (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM statements),
  (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM events),
  (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM users),
  (SELECT count(*) FROM transitions), (SELECT count(*) FROM transitions WHERE retracted_at IS NOT NULL),
  (SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL), (SELECT count(*) FROM sources),
  (SELECT count(*) FROM audit_log), (SELECT count(*) FROM idempotency_keys)) AS fp`;

describe('fuzz: garbage in, never a 5xx, always problem+json, no change from a 4xx', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createFuzzTargets(t.http, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await t.close();
  });

  it('over 10,000 generated requests across every route', async () => {
    const requests = fc.sample(request, { numRuns: 10_000, seed: 20261122 });
    const fingerprint = async (): Promise<string> => (await t.dataSource.query<{ fp: string }[]>(FINGERPRINT))[0].fp;
    let baseline = await fingerprint();
    const failures: unknown[] = [];
    let sent = 0;
    for (const r of requests) {
      const [method, template] = r.route;
      const path = template.replace(/\{(slug|id)\}/g, () => encodeURIComponent(r.param));
      const query = new URLSearchParams(r.query).toString();
      let call = t.http[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](
        `${path}${query ? `?${query}` : ''}`,
      ).set(...bearer(ADMIN_TOKEN));
      if (method !== 'GET' && method !== 'DELETE') {
        if (r.contentType !== '') call = call.set('content-type', r.contentType);
        call = call.send('raw' in r.body ? r.body.raw : JSON.stringify(r.body.json));
      }
      const response = await call;
      sent += 1;
      counts.requests += 1;
      const problem = {
        method,
        path: path.slice(0, 120),
        query,
        status: response.status,
        body: JSON.stringify(r.body).slice(0, 200),
      };
      if (response.status >= 500) failures.push({ ...problem, answer: response.text.slice(0, 300) });
      else if (
        response.status >= 400 &&
        !/^application\/problem\+json/.test(String(response.headers['content-type']))
      ) {
        failures.push({ ...problem, contentType: response.headers['content-type'] });
      } else if (response.status >= 400) {
        const now = await fingerprint();
        if (now !== baseline) failures.push({ ...problem, changed: { before: baseline, after: now } });
        baseline = now;
      } else {
        baseline = await fingerprint();
      }
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(10_000);
    printCounts('fuzz');
  }, 600_000);
});
