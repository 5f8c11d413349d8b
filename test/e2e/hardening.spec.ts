import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
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

describe('behind a load balancer (TRUST_PROXY)', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3', PUBLIC_READ: 'true', ...env } });
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  const anonymousReads = async (t: TestApp, forwardedFor: string, n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i += 1) {
      statuses.push((await t.http.get('/api/v1/proposals?limit=1').set('x-forwarded-for', forwardedFor)).status);
    }
    return statuses;
  };

  it('counts callers by the address a trusted proxy forwards, and sees https where it says so', async () => {
    const t = await start({ TRUST_PROXY: 'loopback' });
    expect(await anonymousReads(t, '203.0.113.1', 4)).toEqual([200, 200, 200, 429]);
    expect(await anonymousReads(t, '203.0.113.2', 1)).toEqual([200]);
    const login = await t.http.get('/login').set('x-forwarded-proto', 'https');
    expect(String(login.headers['set-cookie'])).toMatch(/ppt_csrf=[^,]*; Secure/);
  });

  it('believes no forwarded header from an address it does not trust', async () => {
    const t = await start({});
    expect(await anonymousReads(t, '203.0.113.1', 3)).toEqual([200, 200, 200]);
    // Another forwarded address is the same caller: the connection's own.
    expect(await anonymousReads(t, '203.0.113.2', 1)).toEqual([429]);
    const login = await t.http.get('/login').set('x-forwarded-proto', 'https');
    expect(String(login.headers['set-cookie'])).not.toMatch(/Secure/);
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

describe('strict where the contract is strict', () => {
  let t: TestApp;
  let admin: [string, string];
  beforeAll(async () => {
    t = await startTestApp();
    admin = bearer(ADMIN_TOKEN);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['0x10', '1e1', ' 5', '05', '5.0'])('limit=%p is a 400, not read as a number', async (limit) => {
    const response = await t.http
      .get('/api/v1/proposals')
      .query({ limit })
      .set(...admin);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'limit', message: expect.stringContaining('limit') }]);
  });

  it('takes limit=5 and windowDays=30 written plainly', async () => {
    await t.http
      .get('/api/v1/proposals?limit=5&windowDays=30')
      .set(...admin)
      .expect(200);
  });

  it.each(['2024-02-30T00:00:00Z', '2023-02-29T12:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T12:60:00Z'])(
    'updatedSince=%s, an instant that does not exist, is a 400',
    async (updatedSince) => {
      const response = await t.http
        .get('/api/v1/proposals')
        .query({ updatedSince })
        .set(...admin);
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('updatedSince');
    },
  );

  it.each(['   ', '\u0007\u0008', '\u200b\t'])('a title of only %j is a 400', async (title) => {
    const response = await t.http
      .post('/api/v1/proposals')
      .set(...admin)
      .send({ title, proposedOn: '2024' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toEqual({
      field: 'title',
      message: 'title must hold visible text, not only spaces or control characters',
    });
  });

  it('refuses a body that is not UTF-8, or holds an unpaired surrogate, instead of storing U+FFFD', async () => {
    // Sent as bytes: a JSON string in Latin-1, as a misconfigured client sends it.
    const latin1 = Buffer.concat([
      Buffer.from('{"kind": "state", "name": "Bogot'),
      Buffer.from([0xe1]),
      Buffer.from('"}'),
    ]);
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const notUtf8 = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/actors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: latin1,
    });
    expect(notUtf8.status).toBe(400);
    expect(((await notUtf8.json()) as { detail: string }).detail).toBe('The body is not valid UTF-8.');
    const surrogate = await t.http
      .post('/api/v1/actors')
      .set(...admin)
      .set('content-type', 'application/json')
      .send('{"kind": "state", "name": "Half \\ud83d a pair"}');
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.detail).toMatch(/unpaired surrogate/);
    // A whole pair is a character like any other.
    const pair = await t.http
      .post('/api/v1/actors')
      .set(...admin)
      .set('content-type', 'application/json')
      .send('{"kind": "state", "name": "Whole \\ud83d\\ude00 pair"}');
    expect(pair.status).toBe(201);
    expect(pair.body.name).toBe('Whole 😀 pair');
  });

  it('refuses a query whose percent-encoded bytes are not UTF-8', async () => {
    for (const q of ['%FF', '%ED%A0%80', 'Bogot%E1']) {
      const response = await t.http.get(`/api/v1/proposals?q=${q}`).set(...admin);
      expect({ q, status: response.status, detail: response.body.detail }).toEqual({
        q,
        status: 400,
        detail: 'The URL holds percent-encoded bytes that are not UTF-8.',
      });
    }
    await t.http
      .get('/api/v1/proposals?q=%D0%A1%D0%92%D0%9C%D0%94%D0%90')
      .set(...admin)
      .expect(200);
  });

  it('refuses a source given as a list, and lists inside sources, as 400s', async () => {
    const f = factories(t.http, ADMIN_TOKEN);
    const proposal = await f.proposal({ title: 'Sources in the right shape' });
    const speaker = await f.actor({ kind: 'state', name: 'Shaped speaker' });
    const asList = await t.http
      .post('/api/v1/statements')
      .set(...admin)
      .send({
        speaker: speaker.slug,
        saidOn: '2025',
        quote: 'Shaped.',
        source: [{ url: 'https://example.org/shaped' }],
        proposals: [{ slug: proposal.slug, stance: 'supports' }],
      });
    expect(asList.status).toBe(400);
    expect(asList.body.errors[0].field).toBe('source');
    const nested = await t.http
      .post(`/api/v1/proposals/${proposal.slug}/transitions`)
      .set(...admin)
      .send({ to: 'drafting', occurredOn: '2024', sources: [[{ url: 'https://example.org/nested' }]] });
    expect(nested.status).toBe(400);
    expect(nested.body.errors[0].field).toMatch(/^sources/);
  });

  it('searches a run of dashes as one, instead of failing in PostgreSQL', async () => {
    for (const path of ['/api/v1/proposals', '/api/v1/statements']) {
      for (const q of ['-'.repeat(200), 'charter ' + '- '.repeat(90) + 'security']) {
        const response = await t.http
          .get(path)
          .query({ q })
          .set(...admin);
        expect({ path, q, status: response.status }).toEqual({ path, q, status: 200 });
      }
    }
  });

  it('refuses a cursor it did not issue, whatever its keys, and one altered', async () => {
    const f = factories(t.http, ADMIN_TOKEN);
    await f.proposal({ title: 'Paged one' });
    await f.proposal({ title: 'Paged two' });
    const first = await t.http.get('/api/v1/proposals?limit=1').set(...admin);
    const cursor = first.body.page.nextCursor as string;
    await t.http
      .get('/api/v1/proposals')
      .query({ limit: 1, cursor })
      .set(...admin)
      .expect(200);
    const [payload, signature] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { k: unknown[]; f: string };
    const forge = (k: unknown[]) => Buffer.from(JSON.stringify({ k, f: decoded.f })).toString('base64url');
    for (const forged of [
      forge(['2020-01-15\u0000', decoded.k[1]]),
      `${forge(['9e99', decoded.k[1]])}.${signature}`,
      `${forge(decoded.k)}x.${signature}`,
      payload,
    ]) {
      const response = await t.http
        .get('/api/v1/proposals')
        .query({ limit: 1, cursor: forged })
        .set(...admin);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
    }
  });

  it('keeps no character of a chosen ADMIN_TOKEN in the clear', async () => {
    const rows: { prefix: string }[] = await t.dataSource.query(
      `SELECT t.prefix FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = 'admin'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { prefix } of rows) expect(ADMIN_TOKEN.startsWith(prefix) && prefix.length > 0).toBe(false);
  });

  it('refuses to demote or deactivate the last active admin (409), and lets it go once another exists', async () => {
    const users = (await t.http.get('/api/v1/users?limit=100').set(...admin)).body.data as {
      id: string;
      name: string;
      version: number;
    }[];
    const { id, version } = users.find((user) => user.name === 'admin') as { id: string; version: number };
    const etag = `"${version}"`;
    for (const change of [{ role: 'editor' }, { active: false }]) {
      const response = await t.http
        .patch(`/api/v1/users/${id}`)
        .set(...admin)
        .set('if-match', etag)
        .send(change);
      expect({ status: response.status, detail: response.body.detail }).toEqual({
        status: 409,
        detail: expect.stringMatching(/last active admin/),
      });
    }
    const other = await t.http
      .post('/api/v1/users')
      .set(...admin)
      .send({ name: 'second-admin', role: 'admin' });
    expect(other.status).toBe(201);
    const demoted = await t.http
      .patch(`/api/v1/users/${other.body.user.id as string}`)
      .set(...admin)
      .set('if-match', '"1"')
      .send({ role: 'editor' });
    expect(demoted.status).toBe(200);
  });
});

describe('bounded connections per client', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECTIONS_PER_CLIENT: '3' } });
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes a connection past the bound as it arrives, and takes new ones once others close', async () => {
    const open = async (): Promise<net.Socket> => {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      return socket;
    };
    const held = [await open(), await open(), await open()];
    const fourth = await open();
    await new Promise<void>((resolve) => fourth.once('close', () => resolve()));
    expect(fourth.destroyed).toBe(true);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const again = await open();
    const answer = await new Promise<string>((resolve) => {
      again.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      let text = '';
      again.on('data', (chunk: Buffer) => (text += chunk.toString()));
      again.on('end', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('a kept-alive connection', () => {
  let t: TestApp;
  let port: number;
  const sockets: import('node:net').Socket[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    const server = t.app.getHttpServer();
    server.on('connection', (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('carries nothing over from one request to the next: 30 writes leave no listeners behind', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 30; i += 1) {
      const status = await new Promise<number>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/actors',
            agent,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ kind: 'state', name: `Kept alive ${i}`, confirmNew: true }));
      });
      expect(status).toBe(201);
    }
    agent.destroy();
    expect(sockets).toHaveLength(1);
    expect(sockets[0].listenerCount('close')).toBeLessThan(5);
  });
});

describe('concurrent creates of one name', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('all succeed, each with a slug of its own', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http
          .post('/api/v1/actors')
          .set(...bearer(ADMIN_TOKEN))
          .send({ kind: 'organization', name: 'Concurrent Forum', confirmNew: true }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const slugs = new Set(responses.map((response) => response.body.slug as string));
    expect(slugs.size).toBe(20);
    expect(slugs.has('concurrent-forum')).toBe(true);
  });
});
