import { MAX_FIELD_PROBLEMS } from '../../src/common/errors/validation.js';
import { MAX_JSON_ITEMS } from '../../src/common/http/json-body.js';
import { factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const PROBLEM = /^application\/problem\+json/;

describe('bounded work for callers who are not who they say', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { FAILED_AUTH_PER_MINUTE: '5', PUBLIC_READ: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes the Bearer scheme in any case, and answers HEAD where it answers GET', async () => {
    await t.http.get('/api/v1/me').set('authorization', `bearer ${ADMIN_TOKEN}`).expect(200);
    await t.http.get('/api/v1/me').set('authorization', `BEARER ${ADMIN_TOKEN}`).expect(200);
    const get = await t.http.get('/api/v1/proposals');
    const head = await t.http.head('/api/v1/proposals');
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
  });

  it('answers 401 to a body without a valid token before reading it', async () => {
    // Were the body parsed first, this would be a 400 malformed_json.
    for (const authorization of [undefined, 'Bearer ppt_made_up_token_000000000000']) {
      const post = t.http.post('/api/v1/statements').set('content-type', 'application/json');
      if (authorization !== undefined) void post.set('authorization', authorization);
      const response = await post.send('{"speaker": "kazakhstan", "quote": ');
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.type).toBe('urn:ppt:problem:unauthenticated');
    }
    // The same body from a staff member is read, and refused as JSON.
    const staff = await t.tokenFor('staff');
    const read = await t.http
      .post('/api/v1/statements')
      .set(...bearer(staff))
      .set('content-type', 'application/json')
      .send('{"speaker": "kazakhstan", "quote": ');
    expect(read.status).toBe(400);
    expect(read.body.type).toBe('urn:ppt:problem:malformed_json');
  });

  it('refuses made-up tokens from an address past its limit without looking them up; known ones still pass', async () => {
    const analyst = await t.tokenFor('analyst');
    await t.http
      .get('/api/v1/me')
      .set(...bearer(analyst))
      .expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const response = await t.http.get('/api/v1/proposals').set(...bearer(`ppt_rotating_${i}_0000000000000000`));
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        expect(response.body.type).toBe('urn:ppt:problem:rate_limited');
      }
    }
    // Looked up until the address has failed five times (once already, in the test above).
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // A token found valid lately is known without a lookup, so it is not refused with the rest.
    await t.http
      .get('/api/v1/me')
      .set(...bearer(analyst))
      .expect(200);
    // Anonymous reads (PUBLIC_READ) are not failed authentications.
    await t.http.get('/api/v1/proposals').expect(200);
  });
});

describe('bounded answers to bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it(`lists at most ${MAX_FIELD_PROBLEMS} field problems and counts the rest`, async () => {
    const f = factories(t.http, ADMIN_TOKEN);
    const proposal = await f.proposal({ title: 'Bounded problems' });
    const speaker = await f.actor({ kind: 'state', name: 'Bounded speaker' });
    const bad = Array.from({ length: 300 }, () => ({ slug: 42, stance: 'maybe' }));
    const response = await t.http
      .post('/api/v1/statements')
      .set(...bearer(ADMIN_TOKEN))
      .send({
        speaker: speaker.slug,
        saidOn: '2025-01-01',
        quote: 'Bounded.',
        source: { url: 'https://example.org/bounded' },
        proposals: [{ slug: proposal.slug, stance: 'supports' }, ...bad],
      });
    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveLength(MAX_FIELD_PROBLEMS);
    expect(response.body.detail).toMatch(/ and \d+ more$/);
    expect(response.text.length).toBeLessThan(10_000);
  });

  it(`refuses a list longer than ${MAX_JSON_ITEMS} items before validating it`, async () => {
    const response = await t.http
      .post('/api/v1/statements')
      .set(...bearer(ADMIN_TOKEN))
      .send({ proposals: Array.from({ length: MAX_JSON_ITEMS + 1 }, () => ({})) });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body.detail).toBe(`A list in the body holds more than ${MAX_JSON_ITEMS} items.`);
  });
});
