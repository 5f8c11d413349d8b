import type request from 'supertest';
import type { Role } from '../../src/common/auth/roles.js';
import { ROLES } from '../../src/common/auth/roles.js';
import { factories, type Factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

type Caller = Role | 'anonymous' | 'deactivated';
type Send = (auth: (r: request.Test) => request.Test) => Promise<request.Response>;

interface Route {
  route: string;
  least: Role;
  /** Prepares fresh resources with the admin's token and answers a request for them. */
  prepare: () => Send | Promise<Send>;
}

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${(counter += 1)}`;

/**
 * The whole route × role matrix of spec section 3, over HTTP: for every route and every caller —
 * each role, no token, a deactivated user's token — the guard answers 401, 403 or lets a valid
 * request through to its 2xx.
 */
describe('the role matrix', () => {
  let t: TestApp;
  let f: Factories;
  const tokens = new Map<Caller, string>();
  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    f = factories(t.http, ADMIN_TOKEN);
    for (const role of ROLES) tokens.set(role, await t.tokenFor(role));
    const gone = await t.http
      .post('/api/v1/users')
      .set(...bearer(ADMIN_TOKEN))
      .send({ name: 'deactivated-editor', role: 'editor' });
    await t.http
      .patch(`/api/v1/users/${gone.body.user.id}`)
      .set(...bearer(ADMIN_TOKEN))
      .send({ version: 1, active: false });
    tokens.set('deactivated', gone.body.token);
    await f.actor({ kind: 'state', name: 'Matrix state', slug: 'matrix-state' });
    await f.actor({ kind: 'person', name: 'Matrix speaker', slug: 'matrix-speaker' });
    await f.proposal({ slug: 'matrix-p', proposers: [{ actor: 'matrix-state' }] });
    await f.event({ slug: 'matrix-event' });
  });
  afterAll(async () => {
    await t.close();
  });

  const admin = (r: request.Test) => r.set(...bearer(ADMIN_TOKEN));
  const proposal = () => f.proposal({ slug: unique('mp'), proposers: [{ actor: 'matrix-state' }], proposedOn: '2020' });
  const statement = () =>
    f.statement({ speaker: 'matrix-speaker', proposals: [{ slug: 'matrix-p', stance: 'supports' }] });
  /** A webhook to a port where nothing listens: its deliveries fail, and are logged. */
  const webhook = async (): Promise<string> =>
    (
      (await admin(t.http.post('/api/v1/webhooks')).send({ url: 'http://127.0.0.1:9/matrix' })).body as {
        webhook: { id: string };
      }
    ).webhook.id;
  /** A webhook with one attempt in its deliveries log. */
  const attemptedDelivery = async (): Promise<{ id: string; delivery: string }> => {
    const id = await webhook();
    await f.actor({ kind: 'state', name: unique('Delivered state') });
    for (;;) {
      const log = await admin(t.http.get(`/api/v1/webhooks/${id}/deliveries`));
      const first = (log.body as { data: { id: string }[] }).data[0];
      if (first !== undefined) return { id, delivery: first.id };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const user = async () =>
    (await admin(t.http.post('/api/v1/users')).send({ name: unique('mu'), role: 'analyst' })).body as {
      user: { id: string };
      tokenId: string;
    };

  const routes: Route[] = [
    { route: 'GET /me', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/me')) },
    { route: 'GET /actors', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/actors')) },
    {
      route: 'GET /actors/{slug}',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/actors/matrix-state')),
    },
    {
      route: 'POST /actors',
      least: 'staff',
      prepare: () => (auth) => auth(t.http.post('/api/v1/actors')).send({ kind: 'state', name: unique('State') }),
    },
    {
      route: 'POST /actors/{slug}/merge',
      least: 'editor',
      prepare: async () => {
        const [from, into] = [
          await f.actor({ kind: 'state', name: unique('Merged') }),
          await f.actor({ kind: 'state', name: unique('Kept') }),
        ];
        return (auth) => auth(t.http.post(`/api/v1/actors/${from.slug}/merge`)).send({ into: into.slug, reason: 'x' });
      },
    },
    {
      route: 'PATCH /actors/{slug}',
      least: 'staff',
      prepare: async () => {
        const actor = await f.actor({ kind: 'state', name: unique('Patched') });
        return (auth) => auth(t.http.patch(`/api/v1/actors/${actor.slug}`)).send({ version: 1, description: 'x' });
      },
    },
    { route: 'GET /proposals', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/proposals')) },
    {
      route: 'GET /proposals/{slug}',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p')),
    },
    {
      route: 'POST /proposals',
      least: 'staff',
      prepare: () => (auth) =>
        auth(t.http.post('/api/v1/proposals')).send({
          title: unique('Proposal'),
          proposedOn: '2021',
          proposers: [{ actor: 'matrix-state' }],
        }),
    },
    {
      route: 'PATCH /proposals/{slug}',
      least: 'staff',
      prepare: async () => {
        const p = await proposal();
        return (auth) => auth(t.http.patch(`/api/v1/proposals/${p.slug}`)).send({ version: 1, summary: 'x' });
      },
    },
    {
      route: 'GET /proposals/{slug}/status',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/status?asOf=2024-01-01')),
    },
    {
      route: 'POST /proposals/{slug}/transitions',
      least: 'staff',
      prepare: async () => {
        const p = await proposal();
        return (auth) =>
          auth(t.http.post(`/api/v1/proposals/${p.slug}/transitions`)).send({
            to: 'drafting',
            occurredOn: '2021',
            sources: [{ publisher: 'TASS' }],
          });
      },
    },
    {
      route: 'GET /proposals/{slug}/transitions',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/transitions')),
    },
    {
      route: 'POST /proposals/{slug}/transitions/{id}/retract',
      least: 'editor',
      prepare: async () => {
        const p = await proposal();
        const moved = await f.transition(p.slug, { to: 'drafting', occurredOn: '2021' });
        return (auth) =>
          auth(t.http.post(`/api/v1/proposals/${p.slug}/transitions/${moved.id}/retract`)).send({ reason: 'x' });
      },
    },
    {
      route: 'POST /proposals/{slug}/mark-duplicate',
      least: 'editor',
      prepare: async () => {
        const [p, of] = [await proposal(), await proposal()];
        return (auth) =>
          auth(t.http.post(`/api/v1/proposals/${p.slug}/mark-duplicate`)).send({ of: of.slug, reason: 'x' });
      },
    },
    {
      route: 'POST /proposals/{slug}/unmark-duplicate',
      least: 'editor',
      prepare: async () => {
        const [p, of] = [await proposal(), await proposal()];
        await t.http
          .post(`/api/v1/proposals/${p.slug}/mark-duplicate`)
          .set('authorization', `Bearer ${ADMIN_TOKEN}`)
          .send({ of: of.slug, reason: 'x' })
          .expect(200);
        return (auth) => auth(t.http.post(`/api/v1/proposals/${p.slug}/unmark-duplicate`)).send({ reason: 'x' });
      },
    },
    {
      route: 'POST /proposals/{slug}/redate',
      least: 'editor',
      prepare: async () => {
        const p = await proposal();
        return (auth) =>
          auth(t.http.post(`/api/v1/proposals/${p.slug}/redate`)).send({ proposedOn: '2019', reason: 'x' });
      },
    },
    {
      route: 'POST /proposals/{slug}/assessments',
      least: 'editor',
      prepare: () => (auth) =>
        auth(t.http.post('/api/v1/proposals/matrix-p/assessments')).send({ momentum: 'stalled', reason: 'x' }),
    },
    {
      route: 'GET /proposals/{slug}/assessments',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/assessments')),
    },
    {
      route: 'POST /proposals/{slug}/assessments/{id}/withdraw',
      least: 'editor',
      prepare: async () => {
        const made = await t.http
          .post('/api/v1/proposals/matrix-p/assessments')
          .set('authorization', `Bearer ${ADMIN_TOKEN}`)
          .send({ momentum: 'active', reason: 'to withdraw' });
        return (auth) =>
          auth(t.http.post(`/api/v1/proposals/matrix-p/assessments/${made.body.id}/withdraw`)).send({ reason: 'x' });
      },
    },
    {
      route: 'POST /proposals/{slug}/participation',
      least: 'staff',
      prepare: () => (auth) =>
        auth(t.http.post('/api/v1/proposals/matrix-p/participation')).send({
          actor: 'matrix-state',
          action: 'endorsed',
          occurredOn: '2021',
          sources: [{ publisher: 'TASS' }],
        }),
    },
    {
      route: 'GET /proposals/{slug}/participation',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/participation')),
    },
    {
      route: 'POST /proposals/{slug}/participation/{id}/retract',
      least: 'editor',
      prepare: async () => {
        const made = await t.http
          .post('/api/v1/proposals/matrix-p/participation')
          .set('authorization', `Bearer ${ADMIN_TOKEN}`)
          .send({ actor: 'matrix-state', action: 'signed', occurredOn: '2021', sources: [{ publisher: 'TASS' }] });
        return (auth) =>
          auth(t.http.post(`/api/v1/proposals/matrix-p/participation/${made.body.id}/retract`)).send({ reason: 'x' });
      },
    },
    {
      route: 'GET /proposals/{slug}/positions',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/positions')),
    },
    {
      route: 'GET /actors/{slug}/positions',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/actors/matrix-state/positions')),
    },
    {
      route: 'GET /reports/positions',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/reports/positions?proposal=matrix-p')),
    },
    {
      route: 'GET /sources',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/sources')),
    },
    {
      route: 'GET /sources/{id}',
      least: 'analyst',
      prepare: async () => {
        const listed = await t.http.get('/api/v1/sources').set('authorization', `Bearer ${ADMIN_TOKEN}`);
        return (auth) => auth(t.http.get(`/api/v1/sources/${listed.body.data[0].id}`));
      },
    },
    {
      route: 'PATCH /sources/{id}',
      least: 'staff',
      prepare: async () => {
        const cited = await f.statement({
          speaker: 'matrix-speaker',
          proposals: [{ slug: 'matrix-p', stance: 'neutral' }],
          source: { url: `https://matrix.example/${Math.random().toString(36).slice(2)}` },
        });
        return (auth) =>
          auth(t.http.patch(`/api/v1/sources/${cited.source.id}`))
            .set('if-match', '"1"')
            .send({ note: 'edited' });
      },
    },
    {
      route: 'GET /proposals/{slug}/timeline',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/timeline')),
    },
    {
      route: 'GET /proposals/{slug}/statements',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/proposals/matrix-p/statements')),
    },
    {
      route: 'GET /statements',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/statements')),
    },
    {
      route: 'GET /statements/{id}',
      least: 'analyst',
      prepare: async () => {
        const s = await statement();
        return (auth) => auth(t.http.get(`/api/v1/statements/${s.id}`));
      },
    },
    {
      route: 'POST /statements',
      least: 'staff',
      prepare: () => (auth) =>
        auth(t.http.post('/api/v1/statements')).send({
          speaker: 'matrix-speaker',
          saidOn: '2024',
          summary: unique('Said'),
          source: { publisher: 'TASS' },
          proposals: [{ slug: 'matrix-p', stance: 'neutral' }],
        }),
    },
    {
      route: 'PATCH /statements/{id}',
      least: 'staff',
      prepare: async () => {
        const s = await statement();
        return (auth) => auth(t.http.patch(`/api/v1/statements/${s.id}`)).send({ version: 1, speakerRole: 'x' });
      },
    },
    {
      route: 'POST /statements/{id}/retract',
      least: 'editor',
      prepare: async () => {
        const s = await statement();
        return (auth) => auth(t.http.post(`/api/v1/statements/${s.id}/retract`)).send({ reason: 'x' });
      },
    },
    { route: 'GET /events', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/events')) },
    { route: 'GET /export', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/export')) },
    ...['statements', 'proposals', 'transitions'].map((list) => ({
      route: `GET /export/${list}.csv`,
      least: 'analyst' as const,
      prepare: (): Send => (auth) => auth(t.http.get(`/api/v1/export/${list}.csv`)),
    })),
    {
      route: 'GET /imports/templates/statements.csv',
      least: 'staff',
      prepare: () => (auth) => auth(t.http.get('/api/v1/imports/templates/statements.csv')),
    },
    {
      route: 'POST /imports',
      least: 'staff',
      // A dry run: its report, whatever the rows hold (kind=dump needs an admin: bulk.spec.ts).
      prepare: () => (auth) =>
        auth(t.http.post('/api/v1/imports?kind=statements&dryRun=true'))
          .set('content-type', 'application/x-ndjson')
          .send('{}'),
    },
    {
      route: 'GET /events/{slug}',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/events/matrix-event')),
    },
    {
      route: 'POST /events',
      least: 'staff',
      prepare: () => (auth) =>
        auth(t.http.post('/api/v1/events')).send({ name: unique('Event'), kind: 'meeting', startsOn: '2024' }),
    },
    {
      route: 'GET /reports/progress',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.get('/api/v1/reports/progress')),
    },
    { route: 'GET /audit', least: 'editor', prepare: () => (auth) => auth(t.http.get('/api/v1/audit')) },
    { route: 'GET /users', least: 'admin', prepare: () => (auth) => auth(t.http.get('/api/v1/users')) },
    {
      route: 'POST /users',
      least: 'admin',
      prepare: () => (auth) => auth(t.http.post('/api/v1/users')).send({ name: unique('new'), role: 'analyst' }),
    },
    {
      route: 'PATCH /users/{id}',
      least: 'admin',
      prepare: async () => {
        const u = await user();
        return (auth) => auth(t.http.patch(`/api/v1/users/${u.user.id}`)).send({ version: 1, role: 'staff' });
      },
    },
    {
      route: 'POST /users/{id}/tokens',
      least: 'admin',
      prepare: async () => {
        const u = await user();
        return (auth) => auth(t.http.post(`/api/v1/users/${u.user.id}/tokens`));
      },
    },
    { route: 'GET /changes', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/changes')) },
    { route: 'GET /me/changes', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/me/changes')) },
    { route: 'GET /watches', least: 'analyst', prepare: () => (auth) => auth(t.http.get('/api/v1/watches')) },
    {
      route: 'POST /watches',
      least: 'analyst',
      prepare: () => (auth) => auth(t.http.post('/api/v1/watches')).send({ tag: unique('watched') }),
    },
    {
      route: 'DELETE /watches/{id}',
      least: 'analyst',
      // A watch is its owner's alone: each caller deletes one of their own.
      prepare: () => async (auth) => {
        const made = await auth(t.http.post('/api/v1/watches')).send({ tag: unique('unwatched') });
        const id = (made.body as { id?: string }).id ?? '00000000-0000-4000-8000-000000000000';
        return auth(t.http.delete(`/api/v1/watches/${id}`));
      },
    },
    { route: 'POST /me/feed-key', least: 'analyst', prepare: () => (auth) => auth(t.http.post('/api/v1/me/feed-key')) },
    { route: 'GET /webhooks', least: 'admin', prepare: () => (auth) => auth(t.http.get('/api/v1/webhooks')) },
    {
      route: 'POST /webhooks',
      least: 'admin',
      prepare: () => (auth) => auth(t.http.post('/api/v1/webhooks')).send({ url: 'http://127.0.0.1:9/matrix' }),
    },
    {
      route: 'GET /webhooks/{id}',
      least: 'admin',
      prepare: async () => {
        const id = await webhook();
        return (auth) => auth(t.http.get(`/api/v1/webhooks/${id}`));
      },
    },
    {
      route: 'PATCH /webhooks/{id}',
      least: 'admin',
      prepare: async () => {
        const id = await webhook();
        return (auth) => auth(t.http.patch(`/api/v1/webhooks/${id}`)).send({ version: 1, active: false });
      },
    },
    {
      route: 'DELETE /webhooks/{id}',
      least: 'admin',
      prepare: async () => {
        const id = await webhook();
        return (auth) => auth(t.http.delete(`/api/v1/webhooks/${id}`));
      },
    },
    {
      route: 'GET /webhooks/{id}/deliveries',
      least: 'admin',
      prepare: async () => {
        const id = await webhook();
        return (auth) => auth(t.http.get(`/api/v1/webhooks/${id}/deliveries`));
      },
    },
    {
      route: 'POST /webhooks/{id}/deliveries/{deliveryId}/retry',
      least: 'admin',
      prepare: async () => {
        const { id, delivery } = await attemptedDelivery();
        return (auth) => auth(t.http.post(`/api/v1/webhooks/${id}/deliveries/${delivery}/retry`));
      },
    },
    {
      route: 'DELETE /users/{id}/tokens/{tokenId}',
      least: 'admin',
      prepare: async () => {
        const u = await user();
        return (auth) => auth(t.http.delete(`/api/v1/users/${u.user.id}/tokens/${u.tokenId}`));
      },
    },
  ];

  const callers: Caller[] = ['anonymous', 'deactivated', ...ROLES];
  const expected = (caller: Caller, least: Role): '2xx' | 401 | 403 => {
    if (caller === 'anonymous' || caller === 'deactivated') return 401;
    return ROLES.indexOf(caller) >= ROLES.indexOf(least) ? '2xx' : 403;
  };

  it.each(routes.map((route) => [route.route, route] as const))('%s', async (_name, route) => {
    const cells: Record<string, string | number> = {};
    const wanted: Record<string, string | number> = {};
    for (const caller of callers) {
      const send = await route.prepare();
      const token = tokens.get(caller);
      const response = await send((r) => (token === undefined ? r : r.set(...bearer(token))));
      cells[caller] = response.status >= 200 && response.status < 300 ? '2xx' : response.status;
      wanted[caller] = expected(caller, route.least);
    }
    expect(cells).toEqual(wanted);
  });

  it('covers every route the API serves', async () => {
    const doc = (await t.http.get('/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    // The Atom feeds open by a feed key, not a role (changes.spec.ts covers them).
    const byRole = (operation: { security?: Record<string, unknown>[] }) =>
      !(operation.security ?? []).some((scheme) => 'feedKey' in scheme);
    const served = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1'))
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, operation]) => byRole(operation))
          .map(([method]) => `${method.toUpperCase()} ${path.slice(7)}`),
      );
    expect(served.sort()).toEqual(routes.map((route) => route.route).sort());
  });
});

describe('PUBLIC_READ', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_READ: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('opens GETs but users, audit and me to anonymous callers, and no writes', async () => {
    for (const path of ['/actors', '/proposals', '/statements', '/events', '/reports/progress']) {
      expect({ path, status: (await t.http.get(`/api/v1${path}`)).status }).toEqual({ path, status: 200 });
    }
    for (const path of ['/users', '/audit', '/me']) {
      expect({ path, status: (await t.http.get(`/api/v1${path}`)).status }).toEqual({ path, status: 401 });
    }
    expect((await t.http.post('/api/v1/actors').send({ kind: 'state', name: 'Anonymous' })).status).toBe(401);
    expect((await t.http.get('/api/v1/actors').set('authorization', 'Bearer wrong')).status).toBe(401);
  });
});
