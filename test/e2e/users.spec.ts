import type request from 'supertest';
import { createHash } from 'node:crypto';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('users and tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const admin = () => bearer(ADMIN_TOKEN);

  it('ADMIN_TOKEN belongs to an active admin named admin', async () => {
    const response = await t.http.get('/api/v1/me').set(...admin());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ user: { name: 'admin', role: 'admin', active: true }, role: 'admin' });
  });

  it('creates a user whose token is shown once and stored only as its SHA-256', async () => {
    const created = await t.http
      .post('/api/v1/users')
      .set(...admin())
      .send({ name: 'editor.one', role: 'editor' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^ppt_[A-Za-z0-9_-]{43}$/);
    expect(created.body.user).toMatchObject({ name: 'editor.one', role: 'editor', active: true, version: 1 });

    const me = await t.http.get('/api/v1/me').set(...bearer(created.body.token));
    expect(me.body.user.id).toBe(created.body.user.id);

    const stored: { token_hash: string }[] = await t.dataSource.query(
      'SELECT token_hash FROM api_tokens WHERE user_id = $1',
      [created.body.user.id],
    );
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(created.body.token).digest('hex') }]);
    const anywhere: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM api_tokens WHERE token_hash = $1 OR prefix = $1`,
      [created.body.token],
    );
    expect(anywhere).toHaveLength(0);
  });

  it('refuses a taken name with 409 and a bad role with 400', async () => {
    await t.http
      .post('/api/v1/users')
      .set(...admin())
      .send({ name: 'dup', role: 'staff' })
      .expect(201);
    const again = await t.http
      .post('/api/v1/users')
      .set(...admin())
      .send({ name: 'dup', role: 'staff' });
    expect(again.status).toBe(409);
    const badRole = await t.http
      .post('/api/v1/users')
      .set(...admin())
      .send({ name: 'x', role: 'overlord' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors[0].field).toBe('role');
  });

  it('lists users by name with cursors', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) {
      await t.http
        .post('/api/v1/users')
        .set(...admin())
        .send({ name, role: 'analyst' })
        .expect(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await t.http
        .get('/api/v1/users')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(...admin());
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((user: { name: string }) => user.name));
      cursor = page.body.page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['admin', 'list-a', 'list-b', 'list-c']));
  });

  it('changes a role with If-Match, 428 without and 412 when stale', async () => {
    const created = await t.http
      .post('/api/v1/users')
      .set(...admin())
      .send({ name: 'promote-me', role: 'analyst' });
    const id = created.body.user.id;
    expect(
      (
        await t.http
          .patch(`/api/v1/users/${id}`)
          .set(...admin())
          .send({ role: 'staff' })
      ).status,
    ).toBe(428);
    const changed = await t.http
      .patch(`/api/v1/users/${id}`)
      .set(...admin())
      .set('if-match', '"1"')
      .send({ role: 'staff' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ role: 'staff', version: 2 });
    const stale = await t.http
      .patch(`/api/v1/users/${id}`)
      .set(...admin())
      .send({ role: 'editor', version: 1 });
    expect(stale.status).toBe(412);
    const me = await t.http.get('/api/v1/me').set(...bearer(created.body.token));
    expect(me.body.role).toBe('staff');
  });

  it('deactivating a user stops their tokens with the same 401 as an unknown token', async () => {
    const created = await t.http
      .post('/api/v1/users')
      .set(...admin())
      .send({ name: 'leaver', role: 'staff' });
    const extra = await t.http.post(`/api/v1/users/${created.body.user.id}/tokens`).set(...admin());
    expect(extra.status).toBe(201);
    expect((await t.http.get('/api/v1/me').set(...bearer(extra.body.token))).status).toBe(200);

    await t.http
      .patch(`/api/v1/users/${created.body.user.id}`)
      .set(...admin())
      .send({ active: false, version: 1 })
      .expect(200);
    const unknown = await t.http.get('/api/v1/me').set(...bearer('ppt_not-a-real-token'));
    for (const token of [created.body.token, extra.body.token]) {
      const response = await t.http.get('/api/v1/me').set(...bearer(token));
      expect(response.status).toBe(401);
      expect(response.body.detail).toBe(unknown.body.detail);
    }
  });

  it('401 without a token or with a malformed header; 403 below admin; 404 for an unknown user', async () => {
    expect((await t.http.get('/api/v1/me')).status).toBe(401);
    expect((await t.http.get('/api/v1/me').set('authorization', 'Basic abc')).status).toBe(401);
    const analyst = await t.tokenFor('analyst');
    const forbidden = await t.http.get('/api/v1/users').set(...bearer(analyst));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['content-type']).toMatch(/problem\+json/);
    expect(
      (
        await t.http
          .patch('/api/v1/users/00000000-0000-4000-8000-000000000000')
          .set(...admin())
          .send({ version: 1 })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.http
          .patch('/api/v1/users/not-a-uuid')
          .set(...admin())
          .send({ version: 1 })
      ).status,
    ).toBe(404);
  });
});
