import { factories } from '../factories/factories.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves health and a proposal through two transitions', async () => {
    expect((await t.http.get('/health')).status).toBe(200);
    const f = factories(t.http, ADMIN_TOKEN);
    const p = await f.proposal();
    await f.transition(p.slug, { to: 'under_discussion', occurredOn: '2021' });
    const got = await t.http.get(`/api/v1/proposals/${p.slug}`).set('authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(got.status).toBe(200);
    expect(got.body.status).toBe('under_discussion');
  });
});
