import { DeliverySender, newWebhookSecret } from '../../src/modules/changes/delivery-sender.js';
import { factories, type Factories } from '../factories/factories.js';
import { startReceiver, until, verifySignature } from '../helpers/receiver.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

interface Delivery {
  id: string;
  changeId: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

describe('webhooks', () => {
  let t: TestApp;
  let f: Factories;
  let receiver: Receiver;
  const admin = bearer(ADMIN_TOKEN);
  const registered: string[] = [];
  const register = async (body: object) => {
    const response = await t.http
      .post('/api/v1/webhooks')
      .set(...admin)
      .send(body);
    if (response.status === 201) registered.push(response.body.webhook.id as string);
    return response;
  };
  const deliveries = async (id: string): Promise<Delivery[]> =>
    (await t.http.get(`/api/v1/webhooks/${id}/deliveries`).set(...admin)).body.data as Delivery[];

  beforeAll(async () => {
    // Deliveries to this machine's receiver, retried after a second, given up on after an hour.
    t = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_MS: '1000' },
    });
    f = factories(t.http, ADMIN_TOKEN);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  // Each test's webhooks go with it, so that none of their retries reaches the next test.
  afterEach(async () => {
    for (const id of registered.splice(0)) await t.http.delete(`/api/v1/webhooks/${id}`).set(...admin);
    receiver.behave(() => ({ answer: 204 }));
  });

  it('delivers each matching change, signed by the Standard Webhooks scheme, with its secret shown once', async () => {
    const created = await register({ url: receiver.url, types: ['actor.created'], description: 'all new actors' });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const { webhook } = created.body as { webhook: { id: string } };
    expect((await t.http.get(`/api/v1/webhooks/${webhook.id}`).set(...admin)).body).not.toHaveProperty('secret');
    expect(JSON.stringify((await t.http.get('/api/v1/webhooks').set(...admin)).body)).not.toContain(secret);

    const actor = await f.actor({ kind: 'state', name: 'Delivered state' });
    await f.proposal({ title: 'Not an actor change' });
    await until(() => receiver.received.some((r) => r.change.summary === 'New state: Delivered state'));
    const delivery = receiver.received.find((r) => r.change.summary === 'New state: Delivered state');
    expect(delivery?.change.type).toBe('actor.created');
    expect(verifySignature(secret, delivery!)).toBe(true);
    expect(verifySignature('whsec_' + Buffer.alloc(24).toString('base64'), delivery!)).toBe(false);
    expect(delivery!.id).toBe(delivery!.change.id);
    expect(Math.abs(Number(delivery!.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const change = (await t.http.get(`/api/v1/changes?type=actor.created&limit=100`).set(...admin)).body.data.find(
      (c: { subject: { slug?: string } }) => c.subject.slug === actor.slug,
    );
    expect(JSON.parse(delivery!.body)).toEqual(change);
    await until(async () => (await deliveries(webhook.id)).some((d) => d.status === 'succeeded'));
    expect((await deliveries(webhook.id))[0]).toMatchObject({ attempt: 1, status: 'succeeded', responseStatus: 204 });
    // The other types were not delivered to it.
    expect(receiver.received.some((r) => r.change.type === 'proposal.created')).toBe(false);
    await t.http
      .delete(`/api/v1/webhooks/${webhook.id}`)
      .set(...admin)
      .expect(204);
  });

  it('filters by proposal and by tag', async () => {
    const tagged = await f.proposal({ title: 'Tagged for a webhook', tags: ['hooked'] });
    const other = await f.proposal({ title: 'Another proposal' });
    const byTag = (await register({ url: `${receiver.url}?by=tag`, tag: 'hooked' })).body.webhook.id as string;
    const byProposal = (await register({ url: `${receiver.url}?by=proposal`, proposal: other.slug })).body.webhook
      .id as string;
    await f.transition(tagged.slug, { to: 'drafting', occurredOn: '2021' });
    await f.transition(other.slug, { to: 'drafting', occurredOn: '2021' });
    await until(async () => (await deliveries(byTag)).length > 0 && (await deliveries(byProposal)).length > 0);
    const tagChanges = (await deliveries(byTag)).map((d) => d.changeId);
    const proposalChanges = (await deliveries(byProposal)).map((d) => d.changeId);
    expect(tagChanges).toHaveLength(1);
    expect(proposalChanges).toHaveLength(1);
    expect(tagChanges[0]).not.toBe(proposalChanges[0]);
    for (const id of [byTag, byProposal])
      await t.http
        .delete(`/api/v1/webhooks/${id}`)
        .set(...admin)
        .expect(204);
  });

  it.each([
    ['answers 500', () => ({ answer: 500, body: 'upstream down' }), /^HTTP 500: upstream down$/],
    ['hangs past the timeout', () => ({ hang: true as const }), /^timed out after 1000 ms$/],
    ['closes the connection', () => ({ close: true as const }), /socket|closed|other side/i],
    ['redirects', () => ({ redirect: 'http://127.0.0.1:9/elsewhere' }), /^HTTP 302/],
  ])(
    'logs and retries a receiver that %s, then delivers once it answers',
    async (name, fault, error) => {
      const path = `/hook?fault=${encodeURIComponent(name)}`;
      const id = (await register({ url: new URL(path, receiver.url).href, types: ['event.created'] })).body.webhook
        .id as string;
      let failures = 0;
      receiver.behave((request) =>
        request.path !== path ? { answer: 204 } : failures++ < 1 ? fault() : { answer: 200 },
      );
      const event = await f.event({ name: `Event for a receiver that ${name}` });
      await until(async () => (await deliveries(id)).some((d) => d.status === 'succeeded'), 30_000);
      const log = await deliveries(id);
      const failed = log.find((d) => d.status === 'failed');
      expect(failed).toMatchObject({ attempt: 1, error: expect.stringMatching(error) });
      expect(failed?.nextAttemptAt).not.toBeNull();
      expect(log.find((d) => d.status === 'succeeded')).toMatchObject({ attempt: 2, responseStatus: 200 });
      // The same change, under the same webhook-id, each time.
      const sent = receiver.received.filter((r) => r.path === path && r.change.subject.slug === event.slug);
      expect(sent).toHaveLength(2);
      expect(new Set(sent.map((r) => r.id)).size).toBe(1);
    },
    40_000,
  );

  it('reads a 10 MB answer no further than it needs', async () => {
    const id = (await register({ url: receiver.url, types: ['event.created'] })).body.webhook.id as string;
    receiver.behave(() => ({ answer: 500, body: Buffer.alloc(10 * 1024 * 1024, 'x') }));
    await f.event({ name: 'Event answered with 10 MB' });
    await until(async () => (await deliveries(id)).length > 0);
    const [attempt] = await deliveries(id);
    expect(attempt).toMatchObject({ status: 'failed', responseStatus: 500 });
    expect(attempt.error!.length).toBeLessThanOrEqual(520);
    await t.http
      .delete(`/api/v1/webhooks/${id}`)
      .set(...admin)
      .expect(204);
  });

  it('disables a webhook on 410 Gone, and after failing for WEBHOOK_RETRY_HOURS', async () => {
    const gone = (await register({ url: receiver.url, types: ['event.created'] })).body.webhook.id as string;
    receiver.behave(() => ({ answer: 410 }));
    await f.event({ name: 'Event for a receiver gone' });
    await until(async () => (await t.http.get(`/api/v1/webhooks/${gone}`).set(...admin)).body.active === false);
    const shown = (await t.http.get(`/api/v1/webhooks/${gone}`).set(...admin)).body;
    expect(shown.disabledReason).toBe('the receiver answered 410 Gone');
    expect((await deliveries(gone))[0]).toMatchObject({ status: 'abandoned', responseStatus: 410 });

    const failing = (await register({ url: receiver.url, types: ['event.created'] })).body.webhook.id as string;
    // As if it had been failing for a day already.
    await t.dataSource.query(`UPDATE webhooks SET failing_since = now() - interval '25 hours' WHERE id = $1`, [
      failing,
    ]);
    receiver.behave(() => ({ answer: 503 }));
    await f.event({ name: 'Event for a receiver down a day' });
    await until(async () => (await t.http.get(`/api/v1/webhooks/${failing}`).set(...admin)).body.active === false);
    expect((await t.http.get(`/api/v1/webhooks/${failing}`).set(...admin)).body.disabledReason).toBe(
      'no successful delivery in 24 hours',
    );
    expect((await deliveries(failing))[0]).toMatchObject({ status: 'abandoned', responseStatus: 503 });

    // Turned on again by hand: a fresh start.
    const resumed = await t.http
      .patch(`/api/v1/webhooks/${failing}`)
      .set(...admin)
      .send({ version: 2, active: true });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ active: true, disabledReason: null });
  });

  it('retries a delivery by hand, now, and logs the attempt', async () => {
    const id = (await register({ url: receiver.url, types: ['event.created'] })).body.webhook.id as string;
    receiver.behave(() => ({ answer: 503 }));
    await f.event({ name: 'Event retried by hand' });
    await until(async () => (await deliveries(id)).length > 0);
    const [first] = await deliveries(id);
    receiver.behave(() => ({ answer: 202 }));
    const retried = await t.http.post(`/api/v1/webhooks/${id}/deliveries/${first.id}/retry`).set(...admin);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ changeId: first.changeId, status: 'succeeded', responseStatus: 202 });
    expect(retried.body.attempt).toBeGreaterThan(first.attempt);
    const missing = await t.http
      .post(`/api/v1/webhooks/${id}/deliveries/00000000-0000-4000-8000-000000000000/retry`)
      .set(...admin);
    expect(missing.status).toBe(404);
    await t.http
      .delete(`/api/v1/webhooks/${id}`)
      .set(...admin)
      .expect(204);
  });

  it('refuses a URL that is not http(s) or names a private address, at registration', async () => {
    const guarded = await startTestApp({ databaseUrl: t.databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
    try {
      const post = (url: string) =>
        guarded.http
          .post('/api/v1/webhooks')
          .set(...admin)
          .send({ url });
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://10.1.2.3/hook',
        'http://192.168.0.10/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/hook',
        'http://[fd00::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
      ]) {
        const refused = await post(url);
        expect({ url, status: refused.status }).toEqual({ url, status: 422 });
        expect(refused.body.errors[0].field).toBe('url');
      }
      expect((await post('ftp://203.0.113.5/hook')).status).toBe(422);
      expect((await post('https://user:pass@203.0.113.5/hook')).status).toBe(422);
      expect((await post('not a url')).status).toBe(422);
    } finally {
      await guarded.app.close();
    }
  });

  it('refuses private addresses again at delivery, by address and by name', async () => {
    const sender = new DeliverySender({ allowPrivate: false, timeoutMs: 1000, connections: 1 });
    try {
      const before = receiver.received.length;
      const port = new URL(receiver.url).port;
      for (const url of [receiver.url, `http://localhost:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`]) {
        const outcome = await sender.send({ url, secret: newWebhookSecret(), id: '1', body: '{}' });
        expect({ url, ok: outcome.ok, error: outcome.error }).toEqual({
          url,
          ok: false,
          error: expect.stringMatching(/private address/),
        });
      }
      expect(receiver.received.length).toBe(before);
    } finally {
      await sender.close();
    }
  });

  it('validates its filters, and is for admins only', async () => {
    expect((await register({ url: receiver.url, types: ['nothing.happened'] })).status).toBe(400);
    expect((await register({ url: receiver.url, proposal: 'Not A Slug' })).status).toBe(400);
    expect((await register({})).status).toBe(400);
    const editor = await t.tokenFor('editor');
    expect((await t.http.get('/api/v1/webhooks').set(...bearer(editor))).status).toBe(403);
  });
});
