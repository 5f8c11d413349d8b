import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashToken } from '../../src/common/auth/tokens.js';
import { randomUUID } from 'node:crypto';
import { AUTH_CHANGED_CHANNEL, MAX_TOKENS, TOKEN_TTL_MS, TokenCache } from '../../src/modules/users/token-cache.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Waits until `done` holds: for an event (a notice heard, a connection lost or back), never for a
 * length of time; the 5 s bound only turns a lost event into a failure instead of a hang.
 */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('tokens found valid are remembered until anything about tokens or users changes', () => {
  let t: TestApp;
  let cache: TokenCache;
  const admin = bearer(ADMIN_TOKEN);

  beforeAll(async () => {
    t = await startTestApp();
    cache = t.app.get(TokenCache);
    await until(() => cache.active);
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Waits until every listening cache has heard all the notices of changes committed so far, so
   * that none arrives later to make it forget what a test has just had it remember.
   */
  const settled = async (...caches: TokenCache[]): Promise<void> => {
    const barrier = randomUUID();
    await t.dataSource.query(`SELECT pg_notify($1, $2)`, [AUTH_CHANGED_CHANNEL, barrier]);
    for (const listening of caches) await until(() => listening.lastNotice === barrier);
  };
  const newUser = async (name: string, role = 'staff', ...listening: TokenCache[]) => {
    const created = await t.http
      .post('/api/v1/users')
      .set(...admin)
      .send({ name, role });
    expect(created.status).toBe(201);
    await settled(cache, ...listening);
    return created.body as { user: { id: string }; token: string; tokenId: string };
  };
  const me = (token: string) => t.http.get('/api/v1/me').set(...bearer(token));

  it('remembers a valid token, and not an unknown one', async () => {
    const { token, user } = await newUser('remembered');
    expect(cache.recall(hashToken(token))).toBeUndefined();
    expect((await me(token)).status).toBe(200);
    expect(cache.recall(hashToken(token))).toEqual({ id: user.id, name: 'remembered', role: 'staff' });
    expect((await me('ppt_unknown')).status).toBe(401);
    expect(cache.recall(hashToken('ppt_unknown'))).toBeUndefined();
  });

  it('a token revoked through the API stops working on the very next request', async () => {
    const { token, user, tokenId } = await newUser('revoked-here');
    expect((await me(token)).status).toBe(200);
    expect(cache.recall(hashToken(token))).toBeDefined();
    await t.http
      .delete(`/api/v1/users/${user.id}/tokens/${tokenId}`)
      .set(...admin)
      .expect(204);
    expect((await me(token)).status).toBe(401);
  });

  it('a new role, or a deactivation, applies to the very next request', async () => {
    const { token, user } = await newUser('promoted', 'analyst');
    expect((await me(token)).body.role).toBe('analyst');
    expect(cache.recall(hashToken(token))?.role).toBe('analyst');
    await t.http
      .patch(`/api/v1/users/${user.id}`)
      .set(...admin)
      .send({ version: 1, role: 'editor' })
      .expect(200);
    expect((await me(token)).body.role).toBe('editor');
    await t.http
      .patch(`/api/v1/users/${user.id}`)
      .set(...admin)
      .send({ version: 2, active: false })
      .expect(200);
    expect((await me(token)).status).toBe(401);
  });

  it('a change made anywhere else (another instance, SQL) is honoured once its notice arrives', async () => {
    const { token, tokenId } = await newUser('revoked-elsewhere');
    expect((await me(token)).status).toBe(200);
    expect(cache.recall(hashToken(token))).toBeDefined();
    // Not through this instance's service: only the trigger's notice can tell it.
    await t.dataSource.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, [tokenId]);
    await until(() => cache.recall(hashToken(token)) === undefined);
    expect((await me(token)).status).toBe(401);
  });

  it('a second instance on the same database sees the first revoke a token it remembers', async () => {
    const other = await startTestApp({ databaseUrl: t.databaseUrl });
    try {
      const otherCache = other.app.get(TokenCache);
      await until(() => otherCache.active);
      const { token, user, tokenId } = await newUser('two-instances', 'staff', otherCache);
      expect((await other.http.get('/api/v1/me').set(...bearer(token))).status).toBe(200);
      expect(otherCache.recall(hashToken(token))).toBeDefined();
      await t.http
        .delete(`/api/v1/users/${user.id}/tokens/${tokenId}`)
        .set(...admin)
        .expect(204);
      await until(() => otherCache.recall(hashToken(token)) === undefined);
      expect((await other.http.get('/api/v1/me').set(...bearer(token))).status).toBe(401);
    } finally {
      await other.app.close();
    }
  });

  it('remembers nothing while notices cannot arrive, and again once they can', async () => {
    const { token } = await newUser('unheard');
    expect((await me(token)).status).toBe(200);
    expect(cache.recall(hashToken(token))).toBeDefined();
    const [{ count }] = await t.dataSource.query(
      `SELECT count(pg_terminate_backend(pid))::int AS count FROM pg_stat_activity
        WHERE application_name = 'policy-proposal-tracker:auth-notices' AND datname = current_database()`,
    );
    expect(count).toBeGreaterThanOrEqual(1);
    await until(() => !cache.active);
    expect(cache.recall(hashToken(token))).toBeUndefined();
    // Still served, from the database, and not remembered while deaf.
    expect((await me(token)).status).toBe(200);
    expect(cache.active || cache.recall(hashToken(token)) === undefined).toBe(true);
    await until(() => cache.active);
    expect((await me(token)).status).toBe(200);
    expect(cache.recall(hashToken(token))).toBeDefined();
  });

  it('with TOKEN_CACHE=false remembers nothing and does not listen', async () => {
    const off = await startTestApp({ databaseUrl: t.databaseUrl, env: { TOKEN_CACHE: 'false' } });
    try {
      const offCache = off.app.get(TokenCache);
      const { token } = await newUser('uncached');
      for (let i = 0; i < 3; i += 1) expect((await off.http.get('/api/v1/me').set(...bearer(token))).status).toBe(200);
      expect(offCache.active).toBe(false);
      expect(offCache.recall(hashToken(token))).toBeUndefined();
      const [{ listeners }] = await t.dataSource.query(
        `SELECT count(*)::int AS listeners FROM pg_stat_activity
          WHERE application_name = 'policy-proposal-tracker:auth-notices' AND datname = current_database()`,
      );
      expect(listeners).toBe(1); // the first instance's alone
    } finally {
      await off.app.close();
    }
  });

  it('does not remember what a lookup found if anything changed while it ran', () => {
    const user = { id: 'u', name: 'n', role: 'staff' as const };
    const began = cache.generation;
    cache.forget();
    cache.remember('raced', user, began);
    expect(cache.recall('raced')).toBeUndefined();
    cache.remember('raced', user, cache.generation);
    expect(cache.recall('raced')).toEqual(user);
  });

  it('trusts a token for TOKEN_TTL_MS at most, and holds a bounded number', () => {
    const user = { id: 'u', name: 'n', role: 'staff' as const };
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      cache.remember('aging', user, cache.generation);
      clock.mockReturnValue(now + TOKEN_TTL_MS);
      expect(cache.recall('aging')).toEqual(user);
      clock.mockReturnValue(now + TOKEN_TTL_MS + 1);
      expect(cache.recall('aging')).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
    cache.forget();
    for (let i = 0; i <= MAX_TOKENS; i += 1) cache.remember(`bulk-${i}`, user, cache.generation);
    expect(cache.recall('bulk-0')).toBeUndefined();
    expect(cache.recall('bulk-1')).toEqual(user);
    expect(cache.recall(`bulk-${MAX_TOKENS}`)).toEqual(user);
    cache.forget();
  });
});
