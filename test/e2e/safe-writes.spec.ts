import pg from 'pg';
import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { IdempotencyInterceptor } from '../../src/modules/idempotency/idempotency.interceptor.js';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service.js';
import { factories, type Factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The key `@ApiExcludeController()` sets (@nestjs/swagger exports no name for it). */
const API_EXCLUDED = 'swagger/apiExcludeController';

/** What a transition after the first cites. */
const CITED = [{ publisher: 'TASS' }];

const count = async (t: TestApp, sql: string, params: unknown[] = []): Promise<number> =>
  (await t.dataSource.query<{ n: number }[]>(sql, params))[0].n;

describe('idempotency keys', () => {
  let t: TestApp;
  let staff: [string, string];
  let f: Factories;
  beforeAll(async () => {
    t = await startTestApp();
    const token = await t.tokenFor('staff');
    staff = bearer(token);
    f = factories(t.http, token);
    await f.actor({ kind: 'person', name: 'Speaker', slug: 'speaker' });
    await f.actor({ kind: 'state', name: 'Kazakhstan', slug: 'kazakhstan' });
    await f.proposal({ slug: 'target', proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: Record<string, unknown>, key?: string, as = staff) => {
    const request = t.http.post(`/api/v1${path}`).set(...as);
    return (key === undefined ? request : request.set('idempotency-key', key)).send(body);
  };
  const statement = (quote: string) => ({
    speaker: 'speaker',
    saidOn: '2024-05-01',
    quote,
    source: { publisher: 'TASS' },
    proposals: [{ slug: 'target', stance: 'supports' }],
  });

  it('replays the first response for a repeat, with Idempotent-Replayed, and writes once', async () => {
    const first = await post('/actors', { kind: 'state', name: 'Replayed' }, 'key-replay-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/actors', { name: 'Replayed', kind: 'state' }, 'key-replay-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.body).toEqual(first.body);
    expect(await count(t, `SELECT count(*)::int AS n FROM actors WHERE name = 'Replayed'`)).toBe(1);
    expect(await count(t, `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = 'replayed'`)).toBe(1);
  });

  it('refuses the same key with another body with 422', async () => {
    expect((await post('/actors', { kind: 'state', name: 'First body' }, 'key-mismatch')).status).toBe(201);
    const other = await post('/actors', { kind: 'state', name: 'Second body' }, 'key-mismatch');
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:ppt:problem:idempotency_mismatch');
    const elsewhere = await post('/events', { name: 'First body', kind: 'meeting', startsOn: '2024' }, 'key-mismatch');
    expect(elsewhere.status).toBe(422);
  });

  it('gives 20 concurrent requests with one key exactly one effect; the rest are 409s or replays', async () => {
    const body = statement('Twenty at once');
    const responses = await Promise.all(Array.from({ length: 20 }, () => post('/statements', body, 'key-concurrent')));
    const created = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
    const replayed = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === 'true');
    const inFlight = responses.filter((r) => r.status === 409);
    expect(created).toHaveLength(1);
    expect(replayed.length + inFlight.length).toBe(19);
    for (const r of replayed) expect(r.body.id).toBe(created[0].body.id);
    for (const r of inFlight) expect(r.body.type).toBe('urn:ppt:problem:idempotency_in_flight');
    expect(await count(t, `SELECT count(*)::int AS n FROM statements WHERE quote = 'Twenty at once'`)).toBe(1);
  });

  it('stores nothing for a request that failed, so the key can be used again', async () => {
    expect((await post('/actors', { kind: 'planet', name: 'Invalid' }, 'key-failed')).status).toBe(400);
    expect(
      (await post('/actors', { kind: 'state', name: 'Unknown country', country: 'nowhere' }, 'key-failed')).status,
    ).toBe(422);
    expect(await count(t, `SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'key-failed'`)).toBe(0);
    expect((await post('/actors', { kind: 'state', name: 'Valid at last' }, 'key-failed')).status).toBe(201);
  });

  it('keeps the effect and the stored response together when the effect fails midway', async () => {
    // A transition refused after its row lock: nothing of it, nor of the key, remains.
    const refused = await post(
      '/proposals/target/transitions',
      { to: 'proposed', occurredOn: '2021', sources: CITED },
      'key-refused',
    );
    expect(refused.status).toBe(409);
    expect(await count(t, `SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'key-refused'`)).toBe(0);
    const moved = await post(
      '/proposals/target/transitions',
      { to: 'drafting', occurredOn: '2021', sources: CITED },
      'key-moved',
    );
    expect(moved.status).toBe(201);
    const replay = await post(
      '/proposals/target/transitions',
      { to: 'drafting', occurredOn: '2021', sources: CITED },
      'key-moved',
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(moved.body.id);
    const history = await t.http.get('/api/v1/proposals/target/transitions').set(...staff);
    expect(history.body.data).toHaveLength(2);
  });

  it('never stores a token: the replay of a request that issued one answers token null', async () => {
    const admin = bearer(ADMIN_TOKEN);
    const create = () =>
      t.http
        .post('/api/v1/users')
        .set(...admin)
        .set('idempotency-key', 'key-user')
        .send({ name: 'replayed-user', role: 'analyst' });
    const first = await create();
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^ppt_/);
    const again = await create();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, token: null });
    const stored = JSON.stringify(await t.dataSource.query(`SELECT response_body FROM idempotency_keys`));
    expect(stored).not.toContain(first.body.token);
    expect(stored).not.toMatch(/ppt_/);
  });

  it('scopes keys to their user', async () => {
    const editor = bearer(await t.tokenFor('editor'));
    expect((await post('/actors', { kind: 'state', name: 'Mine' }, 'key-shared')).status).toBe(201);
    const theirs = await post('/actors', { kind: 'state', name: 'Theirs' }, 'key-shared', editor);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['not ASCII', 'clé'],
  ])('refuses a key that is %s with 400', async (_what, key) => {
    const response = await post('/actors', { kind: 'state', name: `Bad key ${key.length}` }, key);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('answers 409 at once while the first request is in flight, and frees the key the moment it dies', async () => {
    const [{ id: userId }] = await t.dataSource.query(`SELECT user_id AS id FROM idempotency_keys LIMIT 1`);
    // A request in flight, as the service makes one: its claim in its open transaction, on a
    // connection of its own.
    const inFlight = new pg.Client({ connectionString: t.databaseUrl });
    await inFlight.connect();
    const [{ pid }] = (await inFlight.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows;
    await inFlight.query('BEGIN');
    await inFlight.query(`INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, 'key-busy', 'x')`, [
      userId,
    ]);
    inFlight.on('error', () => undefined);
    try {
      const busy = await post('/actors', { kind: 'state', name: 'Busy' }, 'key-busy');
      expect(busy.status).toBe(409);
      expect(busy.body.type).toBe('urn:ppt:problem:idempotency_in_flight');
    } finally {
      // Its process dies: its transaction, claim and all, is gone with its connection.
      await t.dataSource.query(`SELECT pg_terminate_backend($1)`, [pid]);
      await inFlight.end().catch(() => undefined);
    }
    const retried = await post('/actors', { kind: 'state', name: 'Busy' }, 'key-busy');
    expect(retried.status).toBe(201);
    // A claim committed without a response (as an earlier version left one) is taken over too.
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, 'key-abandoned', 'x')`,
      [userId],
    );
    expect((await post('/actors', { kind: 'state', name: 'Abandoned' }, 'key-abandoned')).status).toBe(201);
  });

  it('forgets keys after 24 hours: purged, and a lapsed key is a new request', async () => {
    expect((await post('/actors', { kind: 'state', name: 'Old one' }, 'key-old')).status).toBe(201);
    await t.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'key-old'`,
    );
    const lapsed = await post('/actors', { kind: 'state', name: 'New one' }, 'key-old');
    expect(lapsed.status).toBe(201);
    expect(lapsed.body.slug).toBe('new-one');
    await t.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'key-old'`,
    );
    expect(await t.app.get(IdempotencyService).purge()).toBeGreaterThanOrEqual(1);
    expect(await count(t, `SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'key-old'`)).toBe(0);
  });

  it('holds a key on every POST route and on no other', async () => {
    const routes: { route: string; idempotent: boolean }[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        // The API's routes: the pages' forms (not in the OpenAPI document) carry a CSRF token instead.
        if (Reflect.getMetadata(API_EXCLUDED, metatype as object) !== undefined) continue;
        const prototype = (metatype as { prototype: object }).prototype;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = (prototype as Record<string, unknown>)[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
          if (method === undefined) continue;
          const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
          routes.push({
            route: `${RequestMethod[method]} ${(metatype as { name: string }).name}.${name}`,
            idempotent: interceptors.includes(IdempotencyInterceptor),
          });
        }
      }
    }
    const posts = routes.filter((r) => r.route.startsWith('POST '));
    expect(posts.length).toBeGreaterThanOrEqual(9);
    expect(routes.filter((r) => r.idempotent !== r.route.startsWith('POST '))).toEqual([]);
    // And bound, the key works on a route the tests above do not use.
    const transition = { to: 'under_discussion', occurredOn: '2021-02-01', sources: CITED };
    const first = await post('/proposals/target/transitions', transition, 'key-transition');
    const again = await post('/proposals/target/transitions', transition, 'key-transition');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });
});

describe('the audit log', () => {
  let t: TestApp;
  let staff: [string, string];
  let editor: [string, string];
  let f: Factories;
  beforeAll(async () => {
    t = await startTestApp();
    const staffToken = await t.tokenFor('staff');
    staff = bearer(staffToken);
    editor = bearer(await t.tokenFor('editor'));
    f = factories(t.http, staffToken);
  });
  afterAll(async () => {
    await t.close();
  });

  const entries = async (query: string) => {
    const response = await t.http.get(`/api/v1/audit?${query}`).set(...editor);
    expect(response.status).toBe(200);
    return response.body.data as {
      action: string;
      entityType: string;
      entityId: string;
      user: { name: string } | null;
      requestId: string | null;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    }[];
  };

  it('records every kind of write with who, the request id, and the changed fields before and after', async () => {
    const created = await t.http
      .post('/api/v1/actors')
      .set(...staff)
      .set('x-request-id', 'audit-create-1')
      .send({ kind: 'state', name: 'Audited', slug: 'audited' });
    expect(created.status).toBe(201);
    await t.http
      .patch('/api/v1/actors/audited')
      .set(...staff)
      .set('if-match', '"1"')
      .send({ description: 'Edited' });
    const actor = await entries('entityType=actor&entityId=audited');
    expect(actor.map((e) => e.action)).toEqual(['update', 'create']);
    expect(actor[1]).toMatchObject({
      requestId: 'audit-create-1',
      before: null,
      after: { slug: 'audited', name: 'Audited' },
    });
    expect(actor[0]).toMatchObject({ before: { description: null }, after: { description: 'Edited' } });
    expect(actor[0].user?.name).toMatch(/^staff-/);

    const p = await f.proposal({ slug: 'audited-p', proposers: [{ actor: 'audited' }], proposedOn: '2020' });
    await t.http
      .patch(`/api/v1/proposals/${p.slug}`)
      .set(...staff)
      .set('if-match', '"1"')
      .send({ title: 'Renamed' });
    const moved = await f.transition(p.slug, { to: 'drafting', occurredOn: '2021' });
    await t.http
      .post(`/api/v1/proposals/${p.slug}/transitions/${moved.id}/retract`)
      .set(...editor)
      .send({ reason: 'too early' });
    const proposal = await entries(`entityType=proposal&entityId=${p.slug}`);
    expect(proposal.map((e) => e.action)).toEqual(['retract', 'transition', 'update', 'create']);
    expect(proposal[0]).toMatchObject({
      before: { status: 'drafting', retracted: false },
      after: { status: 'proposed', retracted: true, reason: 'too early' },
    });
    expect(proposal[1]).toMatchObject({ before: { status: 'proposed' }, after: { status: 'drafting' } });
    expect(proposal[2]).toMatchObject({ before: { title: expect.any(String) }, after: { title: 'Renamed' } });

    await f.actor({ kind: 'person', name: 'Audit speaker', slug: 'audit-speaker' });
    const s = await f.statement({ speaker: 'audit-speaker', proposals: [{ slug: p.slug, stance: 'supports' }] });
    await t.http
      .patch(`/api/v1/statements/${s.id}`)
      .set(...staff)
      .send({ version: 1, speakerRole: 'Envoy' });
    await t.http
      .post(`/api/v1/statements/${s.id}/retract`)
      .set(...editor)
      .send({ reason: 'duplicate' });
    const statement = await entries(`entityType=statement&entityId=${s.id}`);
    expect(statement.map((e) => e.action)).toEqual(['retract', 'update', 'create']);
    expect(statement[1]).toMatchObject({ before: { speakerRole: null }, after: { speakerRole: 'Envoy' } });

    await f.event({ slug: 'audited-event' });
    expect((await entries('entityType=event&entityId=audited-event')).map((e) => e.action)).toEqual(['create']);

    const user = await t.http
      .post('/api/v1/users')
      .set(...bearer(ADMIN_TOKEN))
      .send({ name: 'audited-user', role: 'analyst' });
    await t.http
      .patch(`/api/v1/users/${user.body.user.id}`)
      .set(...bearer(ADMIN_TOKEN))
      .send({ version: 1, role: 'staff' });
    const issued = await t.http.post(`/api/v1/users/${user.body.user.id}/tokens`).set(...bearer(ADMIN_TOKEN));
    await t.http.delete(`/api/v1/users/${user.body.user.id}/tokens/${issued.body.id}`).set(...bearer(ADMIN_TOKEN));
    expect((await entries(`entityType=user&entityId=${user.body.user.id}`)).map((e) => e.action)).toEqual([
      'update',
      'create',
    ]);
    expect((await entries(`entityType=token&entityId=${issued.body.id}`)).map((e) => e.action)).toEqual([
      'revoke',
      'issue',
    ]);

    // Tokens and their hashes never reach the log.
    const all = JSON.stringify(await t.dataSource.query(`SELECT before, after FROM audit_log`));
    expect(all).not.toMatch(/ppt_|token_?hash/i);
    for (const { token_hash } of await t.dataSource.query(`SELECT token_hash FROM api_tokens`)) {
      expect(all).not.toContain(token_hash);
    }
  });

  it('names on every audit row the request that wrote it and its user, for each route that writes', async () => {
    const admin = bearer(ADMIN_TOKEN);
    // Each write is sent with a request id of its own, by the role it needs.
    const sent: { id: string; by: string }[] = [];
    const send = async (
      id: string,
      as: readonly [string, string],
      by: string,
      method: 'post' | 'patch' | 'delete',
      path: string,
      body?: object,
    ) => {
      const response = await t.http[method](`/api/v1${path}`)
        .set(...as)
        .set('x-request-id', id)
        .send(body);
      expect(response.status).toBeLessThan(300);
      sent.push({ id, by });
      return response.body;
    };
    const staffName = (await t.http.get('/api/v1/me').set(...staff)).body.user.name as string;
    const editorName = (await t.http.get('/api/v1/me').set(...editor)).body.user.name as string;
    await send('ctx-actor', staff, staffName, 'post', '/actors', {
      kind: 'state',
      name: 'Context state',
      slug: 'ctx-state',
    });
    await send('ctx-actor-edit', staff, staffName, 'patch', '/actors/ctx-state', { version: 1, description: 'Edited' });
    await send('ctx-speaker', staff, staffName, 'post', '/actors', {
      kind: 'person',
      name: 'Context person',
      slug: 'ctx-person',
    });
    await send('ctx-event', staff, staffName, 'post', '/events', {
      name: 'Context event',
      kind: 'summit',
      startsOn: '2024',
      slug: 'ctx-event',
    });
    const p = await send('ctx-proposal', staff, staffName, 'post', '/proposals', {
      title: 'Context proposal',
      slug: 'ctx-proposal',
      proposedOn: '2020',
      proposers: [{ actor: 'ctx-state' }],
    });
    await send('ctx-proposal-edit', staff, staffName, 'patch', `/proposals/${p.slug}`, {
      version: 1,
      title: 'Renamed',
    });
    const moved = await send('ctx-transition', staff, staffName, 'post', `/proposals/${p.slug}/transitions`, {
      to: 'drafting',
      occurredOn: '2021',
      sources: [{ publisher: 'TASS' }],
    });
    await send(
      'ctx-transition-retract',
      editor,
      editorName,
      'post',
      `/proposals/${p.slug}/transitions/${moved.id}/retract`,
      {
        reason: 'too early',
      },
    );
    const s = await send('ctx-statement', staff, staffName, 'post', '/statements', {
      speaker: 'ctx-person',
      saidOn: '2024-05-01',
      quote: 'Context words',
      source: { publisher: 'TASS', title: 'Context report' },
      proposals: [{ slug: p.slug, stance: 'supports' }],
    });
    await send('ctx-statement-edit', staff, staffName, 'patch', `/statements/${s.id}`, {
      version: 1,
      speakerRole: 'Envoy',
    });
    await send('ctx-statement-retract', editor, editorName, 'post', `/statements/${s.id}/retract`, {
      reason: 'duplicate',
    });
    const user = await send('ctx-user', admin, 'admin', 'post', '/users', { name: 'ctx-user', role: 'analyst' });
    await send('ctx-user-edit', admin, 'admin', 'patch', `/users/${user.user.id}`, { version: 1, role: 'staff' });
    const token = await send('ctx-token', admin, 'admin', 'post', `/users/${user.user.id}/tokens`);
    await send('ctx-token-revoke', admin, 'admin', 'delete', `/users/${user.user.id}/tokens/${token.id}`);

    const rows: { requestId: string; by: string | null }[] = await t.dataSource.query(
      `SELECT a.request_id AS "requestId", u.name AS by
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
        WHERE a.request_id LIKE 'ctx-%'`,
    );
    // Every write left at least one row, and every row names the request's own user.
    expect(new Set(rows.map((row) => row.requestId))).toEqual(new Set(sent.map((write) => write.id)));
    for (const row of rows) {
      expect(row).toEqual({ requestId: row.requestId, by: sent.find((write) => write.id === row.requestId)?.by });
    }
  });

  it("keeps a proposal's descriptive and status fields as GET shows them, and of an edit only what changed", async () => {
    await f.actor({ kind: 'state', name: 'Snapshot state', slug: 'snapshot-state' });
    const created = await f.proposal({
      slug: 'snapshot-p',
      proposers: [{ actor: 'snapshot-state' }],
      tags: ['energy'],
      sources: [{ publisher: 'TASS', title: 'Floated' }],
    });
    const shown = (await t.http.get(`/api/v1/proposals/${created.slug}`).set(...staff)).body;
    const {
      statementCounts: _counts,
      momentum: _momentum,
      momentumReasons: _reasons,
      momentumAsOf: _asOf,
      assessment: _assessment,
      positions: _positions,
      createdAt: _createdAt,
      updatedAt: _updatedAt,
      ...fields
    } = shown;
    const edited = await t.http
      .patch(`/api/v1/proposals/${created.slug}`)
      .set(...staff)
      .set('if-match', '"1"')
      .send({ title: 'Snapshot renamed' });
    expect(edited.status).toBe(200);
    const [update, create] = await entries(`entityType=proposal&entityId=${created.slug}`);
    expect(create.action).toBe('create');
    expect(create.after).toEqual(fields);
    expect(update.action).toBe('update');
    expect(update.before).toEqual({ title: fields.title });
    expect(update.after).toEqual({ title: 'Snapshot renamed' });
  });

  it('filters by user and time, pages newest first, and is for editors only', async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 3; i += 1) await f.actor({ kind: 'state', name: `Paged ${i}` });
    const mine = await entries(`from=${encodeURIComponent(since)}&limit=100`);
    expect(mine.map((e) => e.entityId)).toEqual(['paged-2', 'paged-1', 'paged-0']);
    const byName = mine[0].user?.name as string;
    expect((await entries(`user=${byName}&from=${encodeURIComponent(since)}`)).length).toBe(3);
    expect(await entries(`to=${encodeURIComponent(since)}&entityId=paged-0`)).toEqual([]);

    const first = await t.http.get(`/api/v1/audit?from=${encodeURIComponent(since)}&limit=2`).set(...editor);
    expect(first.body.data).toHaveLength(2);
    const second = await t.http
      .get(`/api/v1/audit?from=${encodeURIComponent(since)}&limit=2&cursor=${first.body.page.nextCursor}`)
      .set(...editor);
    expect(second.body.data.map((e: { entityId: string }) => e.entityId)).toEqual(['paged-0']);
    expect(second.body.page.nextCursor).toBeNull();

    expect((await t.http.get('/api/v1/audit').set(...staff)).status).toBe(403);
    for (const query of ['entityType=planet', 'from=yesterday', 'cursor=abc', 'limit=0']) {
      expect((await t.http.get(`/api/v1/audit?${query}`).set(...editor)).status).toBe(400);
    }
  });

  it('is append-only in the database', async () => {
    await expect(t.dataSource.query(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow(
      /append-only|not allowed/,
    );
    await expect(t.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/not allowed/);
    await expect(t.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/not allowed/);
    await expect(t.dataSource.query(`DELETE FROM transitions`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`UPDATE transitions SET note = 'rewritten'`)).rejects.toThrow(/append-only/);
  });
});

describe('tokens and headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://dashboard.example' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('revokes a token with the same 401 as an unknown one; the user’s other tokens keep working', async () => {
    const admin = bearer(ADMIN_TOKEN);
    const created = await t.http
      .post('/api/v1/users')
      .set(...admin)
      .send({ name: 'two-tokens', role: 'analyst' });
    expect(created.body).toMatchObject({
      token: expect.stringMatching(/^ppt_[\w-]{43}$/),
      tokenId: expect.any(String),
    });
    const second = await t.http.post(`/api/v1/users/${created.body.user.id}/tokens`).set(...admin);
    const revoke = await t.http
      .delete(`/api/v1/users/${created.body.user.id}/tokens/${created.body.tokenId}`)
      .set(...admin);
    expect(revoke.status).toBe(204);
    const revoked = await t.http.get('/api/v1/me').set(...bearer(created.body.token));
    const unknown = await t.http.get('/api/v1/me').set(...bearer('ppt_unknownunknownunknownunknownunknownunknow'));
    expect(revoked.status).toBe(401);
    expect({ ...revoked.body, requestId: null, instance: null }).toEqual({
      ...unknown.body,
      requestId: null,
      instance: null,
    });
    expect((await t.http.get('/api/v1/me').set(...bearer(second.body.token))).status).toBe(200);
    expect(
      (await t.http.delete(`/api/v1/users/${created.body.user.id}/tokens/${created.body.tokenId}`).set(...admin))
        .status,
    ).toBe(409);
    expect(
      (await t.http.delete(`/api/v1/users/${created.body.user.id}/tokens/${crypto.randomUUID()}`).set(...admin)).status,
    ).toBe(404);
  });

  it('sends security headers, and CORS headers only to the origins configured', async () => {
    const response = await t.http.get('/health');
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    const allowed = await t.http
      .options('/api/v1/actors')
      .set('origin', 'https://dashboard.example')
      .set('access-control-request-method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example');
    const other = await t.http.get('/health').set('origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('limits each caller per minute with 429, Retry-After and RateLimit headers; probes are exempt', async () => {
    const token = ADMIN_TOKEN;
    const responses = [];
    for (let i = 0; i < 7; i += 1) responses.push(await t.http.get('/api/v1/actors').set(...bearer(token)));
    expect(responses.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses[0].headers['ratelimit-limit']).toBe('5');
    expect(responses[0].headers['ratelimit-remaining']).toBe('4');
    const limited = responses[5];
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    for (let i = 0; i < 10; i += 1) expect((await t.http.get('/health')).status).toBe(200);
    // Another caller has an allowance of its own.
    expect(
      (await t.http.get('/api/v1/actors').set(...bearer('ppt_someoneelse0000000000000000000000000000000'))).status,
    ).toBe(401);
  });
});
