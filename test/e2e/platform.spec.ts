import { factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const PROBLEM = /^application\/problem\+json/;

describe('platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('GET /health answers without a token', async () => {
      const response = await t.http.get('/health');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('GET /ready reports the database and migrations up', async () => {
      const response = await t.http.get('/ready');
      expect(response.status).toBe(200);
      expect(response.body.details).toMatchObject({ database: { status: 'up' }, migrations: { status: 'up' } });
    });
  });

  describe('problem responses', () => {
    it('malformed JSON → 400 problem', async () => {
      const response = await t.http
        .post('/api/v1/actors')
        .set(...bearer(ADMIN_TOKEN))
        .set('content-type', 'application/json')
        .send('{"kind": "state", ');
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body).toMatchObject({
        type: 'urn:ppt:problem:malformed_json',
        status: 400,
        title: 'Bad Request',
      });
    });

    it('a body over 1 MiB → 413 problem', async () => {
      const response = await t.http
        .post('/api/v1/actors')
        .set(...bearer(ADMIN_TOKEN))
        .set('content-type', 'application/json')
        .send(JSON.stringify({ kind: 'state', name: 'x', description: 'a'.repeat(1024 * 1024) }));
      expect(response.status).toBe(413);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.status).toBe(413);
    });

    it('a body that is not JSON → 415 problem', async () => {
      const response = await t.http
        .post('/api/v1/actors')
        .set(...bearer(ADMIN_TOKEN))
        .set('content-type', 'text/plain')
        .send('kind=state');
      expect(response.status).toBe(415);
      expect(response.headers['content-type']).toMatch(PROBLEM);
    });

    it('an unknown field → 400 naming it', async () => {
      const response = await t.http
        .post('/api/v1/actors')
        .set(...bearer(ADMIN_TOKEN))
        .send({ kind: 'state', name: 'Kazakhstan', colour: 'blue' });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'colour', message: 'colour is not a known field' }]);
    });

    it('nested validation errors carry their path', async () => {
      const response = await t.http
        .post('/api/v1/proposals')
        .set(...bearer(ADMIN_TOKEN))
        .send({ title: 'T', proposedOn: '2024-02-30', proposers: [{ actor: 'Not A Slug' }] });
      expect(response.status).toBe(400);
      const fields = response.body.errors.map((error: { field: string }) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['proposedOn', 'proposers[0].actor']));
    });

    // Regressions found by the fuzz suite: each of these was once a 500 or a non-problem answer.
    it('JSON nested deeper than 32 levels → 400 problem, not a stack overflow', async () => {
      const deep = '['.repeat(2000) + ']'.repeat(2000);
      const response = await t.http
        .post('/api/v1/actors')
        .set(...bearer(ADMIN_TOKEN))
        .set('content-type', 'application/json')
        .send(deep);
      expect(response.status).toBe(400);
      expect(response.body.type).toBe('urn:ppt:problem:malformed_json');
    });

    it('a NUL character in a body, a path or a query → 400 problem, not a database error', async () => {
      const admin = bearer(ADMIN_TOKEN);
      const body = await t.http
        .post('/api/v1/actors')
        .set(...admin)
        .send({ kind: 'state', name: 'Nul\u0000land' });
      expect(body.status).toBe(400);
      expect(body.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.http.get('/api/v1/proposals/%00').set(...admin)).status).toBe(400);
      expect((await t.http.get('/api/v1/actors?q=a%00b').set(...admin)).status).toBe(400);
    });

    it('a path segment that cannot be a slug, or is longer than any, → 404 problem', async () => {
      const admin = bearer(ADMIN_TOKEN);
      for (const path of [
        '/api/v1/events/Not%20A%20Slug',
        `/api/v1/actors/${'x'.repeat(150)}`,
        '/api/v1/proposals/%E2%82%AC',
      ]) {
        const response = await t.http.get(path).set(...admin);
        expect({ path: path.slice(0, 40), status: response.status }).toEqual({ path: path.slice(0, 40), status: 404 });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });

    it('an unknown route → 404 problem', async () => {
      const response = await t.http.get('/api/v1/nothing-here').set(...bearer(ADMIN_TOKEN));
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.status).toBe(404);
    });

    it('a bad query parameter → 400', async () => {
      const response = await t.http.get('/api/v1/actors?limit=0&kind=planet').set(...bearer(ADMIN_TOKEN));
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['kind', 'limit']);
      // A parameter the route does not know is named before any value is checked.
      const unknown = await t.http.get('/api/v1/actors?limit=0&sort=name').set(...bearer(ADMIN_TOKEN));
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors.map((error: { field: string }) => error.field)).toEqual(['sort']);
    });
  });

  describe('paged lists', () => {
    it('each links its next page in a Link header, and only a page with a next one', async () => {
      const f = factories(t.http, ADMIN_TOKEN);
      const proposal = await f.proposal();
      await f.proposal();
      await f.statement({ proposals: [{ slug: proposal.slug, stance: 'supports' }] });
      await f.statement({ proposals: [{ slug: proposal.slug, stance: 'opposes' }] });
      await f.event();
      await f.event();
      await t.tokenFor('analyst');
      await t.tokenFor('staff');
      for (const path of ['/actors', '/events', '/proposals', '/statements', '/users', '/audit']) {
        const first = await t.http.get(`/api/v1${path}?limit=1`).set(...bearer(ADMIN_TOKEN));
        expect(first.status).toBe(200);
        const cursor = first.body.page.nextCursor as string;
        expect({ path, cursor: typeof cursor }).toEqual({ path, cursor: 'string' });
        expect(first.headers.link).toBe(`</api/v1${path}?limit=1&cursor=${encodeURIComponent(cursor)}>; rel="next"`);
        const all = await t.http.get(`/api/v1${path}?limit=100`).set(...bearer(ADMIN_TOKEN));
        expect(all.body.page.nextCursor).toBeNull();
        expect(all.headers.link).toBeUndefined();
      }
    });

    it('a single resource has no Link header', async () => {
      const proposal = await factories(t.http, ADMIN_TOKEN).proposal();
      const response = await t.http.get(`/api/v1/proposals/${proposal.slug}`).set(...bearer(ADMIN_TOKEN));
      expect(response.status).toBe(200);
      expect(response.headers.link).toBeUndefined();
    });
  });

  describe('request ids', () => {
    it('echoes X-Request-Id, in the problem too', async () => {
      const response = await t.http
        .get('/api/v1/actors/none')
        .set(...bearer(ADMIN_TOKEN))
        .set('x-request-id', 'abc-123');
      expect(response.headers['x-request-id']).toBe('abc-123');
      expect(response.body.requestId).toBe('abc-123');
    });

    it('generates one when absent or unusable', async () => {
      const response = await t.http.get('/health').set('x-request-id', 'bad id with spaces');
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('OpenAPI', () => {
    it('documents every route with its responses, bodies and errors', async () => {
      const response = await t.http.get('/openapi.json');
      expect(response.status).toBe(200);
      const doc = response.body;
      const operations = Object.entries(
        doc.paths as Record<
          string,
          Record<string, { responses: Record<string, unknown>; security?: unknown; requestBody?: unknown }>
        >,
      ).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
      );
      const routes = operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`);
      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /health',
          'GET /ready',
          'POST /api/v1/users',
          'GET /api/v1/users',
          'PATCH /api/v1/users/{id}',
          'POST /api/v1/users/{id}/tokens',
          'GET /api/v1/me',
          'POST /api/v1/actors',
          'GET /api/v1/actors',
          'GET /api/v1/actors/{slug}',
          'PATCH /api/v1/actors/{slug}',
          'POST /api/v1/proposals',
          'GET /api/v1/proposals',
          'GET /api/v1/proposals/{slug}',
          'PATCH /api/v1/proposals/{slug}',
          'GET /api/v1/proposals/{slug}/status',
          'POST /api/v1/proposals/{slug}/transitions',
          'GET /api/v1/proposals/{slug}/transitions',
          'POST /api/v1/proposals/{slug}/transitions/{id}/retract',
          'GET /api/v1/proposals/{slug}/statements',
          'GET /api/v1/proposals/{slug}/timeline',
          'POST /api/v1/statements',
          'GET /api/v1/statements',
          'GET /api/v1/statements/{id}',
          'PATCH /api/v1/statements/{id}',
          'POST /api/v1/statements/{id}/retract',
          'POST /api/v1/events',
          'GET /api/v1/events',
          'GET /api/v1/events/{slug}',
          'GET /api/v1/reports/progress',
        ]),
      );
      for (const { path, method, operation } of operations) {
        const statuses = Object.keys(operation.responses);
        expect(statuses.some((status) => status.startsWith('2'))).toBe(true);
        expect(statuses).toContain('503');
        if (path.startsWith('/api/v1')) {
          // A bearer token's role can be too low (403); a feed key opens its feeds or nothing (401).
          const byKey = JSON.stringify(operation.security).includes('feedKey');
          expect({ route: `${method} ${path}`, statuses }).toEqual({
            route: `${method} ${path}`,
            statuses: expect.arrayContaining(byKey ? ['401'] : ['401', '403']),
          });
          expect(operation.security).toBeDefined();
        }
        // Every POST and PATCH takes a body but those that act on the path alone.
        if (['post', 'patch'].includes(method) && !/\/(tokens|feed-key|retry)$/.test(path))
          expect(operation.requestBody).toBeDefined();
      }
      expect(doc.components.schemas.ProblemDto).toBeDefined();
    });
  });
});
