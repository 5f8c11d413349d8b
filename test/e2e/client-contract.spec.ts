import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { factories, type Factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Sends bytes as they are, bypassing any client's URL encoding; the raw HTTP answer. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from(head, 'utf8')));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('what a client meets around the API', () => {
  let t: TestApp;
  let f: Factories;
  const admin = bearer(ADMIN_TOKEN);
  const post = (path: string, body?: unknown) => {
    const request = t.http.post(`/api/v1${path}`).set(...admin);
    return body === undefined ? request : request.send(body as object);
  };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t.http, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('world dates after today', () => {
    it('refuse a transition dated in the future, so it cannot block the real ones', async () => {
      const p = await f.proposal({ proposedOn: '2024' });
      const refused = await post(`/proposals/${p.slug}/transitions`, {
        to: 'under_discussion',
        occurredOn: '2031-01-01',
        sources: [{ publisher: 'TASS' }],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { field: 'occurredOn', message: expect.stringMatching(/^occurredOn must not be after today/) },
      ]);
      // Nothing was recorded: a real development of today goes through.
      await f.transition(p.slug, { to: 'under_discussion', occurredOn: '2025-03' });
      const status = await t.http.get(`/api/v1/proposals/${p.slug}`).set(...admin);
      expect(status.body.status).toBe('under_discussion');
    });

    it('refuse a statement said in the future, naming saidOn', async () => {
      const p = await f.proposal();
      const speaker = await f.actor({ kind: 'person', name: 'Future Speaker' });
      const refused = await post('/statements', {
        speaker: speaker.slug,
        saidOn: '2092-04-29',
        quote: 'Words',
        source: { publisher: 'TASS' },
        proposals: [{ slug: p.slug, stance: 'supports' }],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { field: 'saidOn', message: expect.stringMatching(/^saidOn must not be after today/) },
      ]);
    });
  });

  describe('validation messages', () => {
    it('give one clear message per field for an empty body', async () => {
      const response = await post('/statements', {});
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'speaker', message: 'speaker is required' },
        { field: 'saidOn', message: 'saidOn is required' },
        { field: 'source', message: 'source is required' },
        { field: 'proposals', message: 'proposals is required' },
      ]);
      expect(response.body.detail).toBe(
        'speaker is required; saidOn is required; source is required; proposals is required',
      );
    });

    it('say what is wrong with a field of the wrong type, not its length', async () => {
      const response = await post('/statements', {
        speaker: 42,
        saidOn: '2024',
        quote: 'Words',
        source: { publisher: 'TASS' },
        proposals: [{ slug: 'a-proposal', stance: 'supports' }],
      });
      expect(response.body.errors).toEqual([{ field: 'speaker', message: expect.stringMatching(/must be a slug/) }]);
    });

    it('are grammatical: "an implemented proposal", "at least 1 element"', async () => {
      const p = await f.proposal({ proposedOn: '2020' });
      await f.transition(p.slug, { to: 'implemented', occurredOn: '2021' });
      const refused = await post(`/proposals/${p.slug}/transitions`, {
        to: 'drafting',
        occurredOn: '2022',
        sources: [{ publisher: 'TASS' }],
      });
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain('an implemented proposal is final');

      const empty = await post('/statements', {
        speaker: 'someone',
        saidOn: '2024',
        quote: 'Words',
        source: { publisher: 'TASS' },
        proposals: [],
      });
      expect(empty.body.errors).toEqual([{ field: 'proposals', message: 'proposals must contain at least 1 element' }]);
    });
  });

  it('answers a raw non-ASCII character in the URL with a problem, not a bare error', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const answer = await rawRequest(port, 'GET /api/v1/proposals?q=СВМДА HTTP/1.1\r\nHost: tracker\r\n\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({
      type: 'urn:ppt:problem:bad_request',
      status: 400,
      detail: expect.stringContaining('percent-encoded'),
    });
  });

  it('takes an empty body with a JSON Content-Type on routes that need none', async () => {
    const created = await post('/users', { name: 'empty-body-user', role: 'analyst' });
    expect(created.status).toBe(201);
    const id = created.body.user.id as string;
    const issued = await t.http
      .post(`/api/v1/users/${id}/tokens`)
      .set(...admin)
      .set('content-type', 'application/json');
    expect(issued.status).toBe(201);
    const revoked = await t.http
      .delete(`/api/v1/users/${id}/tokens/${String(issued.body.id)}`)
      .set(...admin)
      .set('content-type', 'application/json');
    expect(revoked.status).toBe(204);
    // A route that needs a body says which fields it needs.
    const none = await t.http
      .post('/api/v1/actors')
      .set(...admin)
      .set('content-type', 'application/json');
    expect(none.status).toBe(400);
    expect(none.body.errors.map((problem: { field: string }) => problem.field)).toEqual(['kind', 'name']);
  });
});
