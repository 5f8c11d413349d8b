import { today } from '../../src/common/dates/partial-date.js';
import type request from 'supertest';
import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('proposals', () => {
  let t: TestApp;
  let staff: [string, string];
  let analyst: [string, string];
  let f: Factories;
  beforeAll(async () => {
    t = await startTestApp();
    const staffToken = await t.tokenFor('staff');
    staff = bearer(staffToken);
    analyst = bearer(await t.tokenFor('analyst'));
    f = factories(t.http, staffToken);
    await f.actor({ kind: 'state', name: 'Russia', slug: 'russia' });
    await f.actor({ kind: 'state', name: 'Belarus', slug: 'belarus' });
    await f.actor({ kind: 'organization', name: 'Shanghai Cooperation Organisation', shortName: 'SCO', slug: 'sco' });
    await f.actor({
      kind: 'organization',
      name: 'Collective Security Treaty Organization',
      shortName: 'CSTO',
      slug: 'csto',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>) =>
    t.http
      .post('/api/v1/proposals')
      .set(...staff)
      .send(body);

  it('creates a proposal with proposers, forums, tags, parent and sources, and its first transition', async () => {
    const parent = await create({
      title: 'Eurasian security architecture',
      proposedOn: '2022',
      proposers: [{ actor: 'russia' }],
      initialStatus: 'floated',
    });
    expect(parent.status).toBe(201);
    expect(parent.body).toMatchObject({
      slug: 'eurasian-security-architecture',
      status: 'floated',
      furthestStatus: 'floated',
      statusSince: '2022',
    });

    const response = await create({
      title: 'Eurasian Charter for Diversity and Multilateralism in the 21st Century',
      slug: 'eurasian-charter',
      summary: 'A charter of principles for Eurasia.',
      proposedOn: '2023-10',
      proposers: [{ actor: 'belarus' }, { actor: 'russia', role: 'backer' }],
      forums: ['csto', 'sco'],
      tags: ['security', 'charter', 'security'],
      parent: 'eurasian-security-architecture',
      sources: [{ publisher: 'BelTA', title: 'Minsk conference', publishedOn: '2024-10-29' }],
    });
    expect(response.status).toBe(201);
    // The momentum is as of today, so the ETag names the day as well as the version.
    expect(response.headers.etag).toBe(`"1@${today()}"`);
    expect(response.body).toMatchObject({
      slug: 'eurasian-charter',
      proposedOn: '2023-10',
      status: 'proposed',
      statusSince: '2023-10',
      furthestStatus: 'proposed',
      lastActivityOn: '2023-10',
      proposers: [
        { slug: 'belarus', name: 'Belarus', kind: 'state', role: 'proposer' },
        { slug: 'russia', name: 'Russia', kind: 'state', role: 'backer' },
      ],
      forums: [
        { slug: 'csto', kind: 'organization', name: 'Collective Security Treaty Organization' },
        { slug: 'sco', kind: 'organization', name: 'Shanghai Cooperation Organisation' },
      ],
      tags: ['security', 'charter'],
      parent: { slug: 'eurasian-security-architecture', title: 'Eurasian security architecture' },
      supersededBy: null,
      sources: [
        { id: expect.any(String), url: null, publisher: 'BelTA', title: 'Minsk conference', publishedOn: '2024-10-29' },
      ],
      version: 1,
    });

    const history = await t.http.get('/api/v1/proposals/eurasian-charter/transitions').set(...analyst);
    expect(history.body.data).toEqual([
      expect.objectContaining({
        seq: 1,
        from: null,
        to: 'proposed',
        direction: 'advance',
        occurredOn: '2023-10',
        retracted: false,
        sources: response.body.sources,
      }),
    ]);
  });

  it.each([
    [{ title: 'No proposers', proposedOn: '2020' }, 'proposers'],
    [{ title: 'Only a backer', proposedOn: '2020', proposers: [{ actor: 'russia', role: 'backer' }] }, 'proposers'],
    [
      { title: 'Twice', proposedOn: '2020', proposers: [{ actor: 'russia' }, { actor: 'russia', role: 'backer' }] },
      'proposers',
    ],
    [{ title: 'Bad date', proposedOn: '2020-02-30', proposers: [{ actor: 'russia' }] }, 'proposedOn'],
    [
      { title: 'Bad status', proposedOn: '2020', proposers: [{ actor: 'russia' }], initialStatus: 'adopted' },
      'initialStatus',
    ],
    [{ title: 'Bad role', proposedOn: '2020', proposers: [{ actor: 'russia', role: 'author' }] }, 'proposers[0].role'],
    [
      {
        title: 'Bad source',
        proposedOn: '2020',
        proposers: [{ actor: 'russia' }],
        sources: [{ url: 'ftp://x.org/a' }],
      },
      'sources[0].url',
    ],
    [
      {
        title: 'Empty source',
        proposedOn: '2020',
        proposers: [{ actor: 'russia' }],
        sources: [{ title: 'no url, no publisher' }],
      },
      'sources[0].url',
    ],
    [
      {
        title: 'Too many tags',
        proposedOn: '2020',
        proposers: [{ actor: 'russia' }],
        tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
      },
      'tags',
    ],
    [{ title: 'Status', proposedOn: '2020', proposers: [{ actor: 'russia' }], status: 'adopted' }, 'status'],
  ])('refuses %p with 400 on %s', async (body, field) => {
    const response = await create(body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it.each([
    [{ proposers: [{ actor: 'atlantis' }] }, 'proposers[0].actor'],
    [{ proposers: [{ actor: 'russia' }], forums: ['atlantis'] }, 'forums[0]'],
    [{ proposers: [{ actor: 'russia' }], forums: ['belarus'] }, 'forums[0]'],
    [{ proposers: [{ actor: 'russia' }], parent: 'no-such-proposal' }, 'parent'],
  ])('refuses a body naming what does not exist (%p) with 422', async (body, field) => {
    const response = await create({ title: 'Unknowns', proposedOn: '2020', ...body });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].field).toBe(field);
    const leftovers: unknown[] = await t.dataSource.query(`SELECT 1 FROM proposals WHERE title = 'Unknowns'`);
    expect(leftovers).toHaveLength(0);
  });

  it('refuses a taken explicit slug with 409', async () => {
    const response = await create({
      title: 'Another',
      slug: 'eurasian-charter',
      proposedOn: '2020',
      proposers: [{ actor: 'russia' }],
    });
    expect(response.status).toBe(409);
  });

  it('gets a proposal with ETag and 304; 404 for an unknown slug', async () => {
    const got = await t.http.get('/api/v1/proposals/eurasian-charter').set(...analyst);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe(`"${got.body.version}@${today()}"`);
    expect(got.body).toMatchObject({
      momentum: 'stalled',
      momentumAsOf: today(),
      momentumReasons: [expect.any(String)],
    });
    expect(
      (
        await t.http
          .get('/api/v1/proposals/eurasian-charter')
          .set(...analyst)
          .set('if-none-match', got.headers.etag)
      ).status,
    ).toBe(304);
    expect((await t.http.get('/api/v1/proposals/nope').set(...analyst)).status).toBe(404);
  });

  it('patches descriptive fields with If-Match (428 without, 412 stale), never the status', async () => {
    const p = await f.proposal({ proposers: [{ actor: 'russia' }] });
    const path = `/api/v1/proposals/${p.slug}`;
    expect(
      (
        await t.http
          .patch(path)
          .set(...staff)
          .send({ title: 'Renamed' })
      ).status,
    ).toBe(428);
    const patched = await t.http
      .patch(path)
      .set(...staff)
      .set('if-match', '"1"')
      .send({
        title: 'Renamed',
        tags: ['a'],
        forums: ['sco'],
        proposers: [{ actor: 'belarus' }],
        parent: 'eurasian-charter',
      });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      title: 'Renamed',
      tags: ['a'],
      version: 2,
      parent: { slug: 'eurasian-charter' },
    });
    expect(patched.body.proposers.map((a: { slug: string }) => a.slug)).toEqual(['belarus']);
    expect(patched.body.forums.map((a: { slug: string }) => a.slug)).toEqual(['sco']);
    expect(
      (
        await t.http
          .patch(path)
          .set(...staff)
          .send({ title: 'Again', version: 1 })
      ).status,
    ).toBe(412);
    expect(
      (
        await t.http
          .patch(path)
          .set(...staff)
          .send({ status: 'adopted', version: 2 })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.http
          .patch(path)
          .set(...staff)
          .send({ parent: p.slug, version: 2 })
      ).status,
    ).toBe(422);
    const cleared = await t.http
      .patch(path)
      .set(...staff)
      .send({ parent: null, summary: null, version: 2 });
    expect(cleared.body).toMatchObject({ parent: null, summary: null, version: 3 });
  });

  it('refuses a parent that would make a cycle', async () => {
    const child = await f.proposal({ proposers: [{ actor: 'russia' }], parent: 'eurasian-charter' });
    const charter = await t.http.get('/api/v1/proposals/eurasian-charter').set(...analyst);
    const cycle = await t.http
      .patch('/api/v1/proposals/eurasian-charter')
      .set(...staff)
      .send({ parent: child.slug, version: charter.body.version });
    expect(cycle.status).toBe(422);
    expect(cycle.body.errors[0].field).toBe('parent');
  });

  describe('listing', () => {
    const slugs = (body: { data: { slug: string }[] }) => body.data.map((p) => p.slug);

    it('orders by lastActivityOn, most recent first, and filters by status, proposer, forum and tag', async () => {
      const a = await f.proposal({
        proposers: [{ actor: 'russia' }],
        proposedOn: '2010',
        tags: ['list-tag'],
        forums: ['csto'],
      });
      const b = await f.proposal({ proposers: [{ actor: 'belarus' }], proposedOn: '2011-05', tags: ['list-tag'] });
      await f.transition(b.slug, { to: 'drafting', occurredOn: '2011-06-01' });

      const byTag = await t.http
        .get('/api/v1/proposals')
        .query({ tag: 'list-tag' })
        .set(...analyst);
      expect(slugs(byTag.body)).toEqual([b.slug, a.slug]);
      expect(byTag.body.data[0]).toMatchObject({ status: 'drafting', lastActivityOn: '2011-06-01' });

      const drafting = await t.http
        .get('/api/v1/proposals')
        .query({ tag: 'list-tag', status: 'drafting,adopted' })
        .set(...analyst);
      expect(slugs(drafting.body)).toEqual([b.slug]);
      const byProposer = await t.http
        .get('/api/v1/proposals')
        .query({ tag: 'list-tag', proposer: 'russia' })
        .set(...analyst);
      expect(slugs(byProposer.body)).toEqual([a.slug]);
      const byForum = await t.http
        .get('/api/v1/proposals')
        .query({ tag: 'list-tag', forum: 'csto' })
        .set(...analyst);
      expect(slugs(byForum.body)).toEqual([a.slug]);
    });

    it('refuses a bad status, limit or cursor with 400', async () => {
      for (const query of [{ status: 'drafting,pending' }, { limit: 101 }, { limit: 'ten' }, { cursor: 'xyz' }]) {
        const response = await t.http
          .get('/api/v1/proposals')
          .query(query)
          .set(...analyst);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
      }
    });

    it('follows nextCursor through every proposal exactly once while others are added', async () => {
      const before = await t.http
        .get('/api/v1/proposals')
        .query({ limit: 100 })
        .set(...analyst);
      const expected = slugs(before.body);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: request.Response = await t.http
          .get('/api/v1/proposals')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...analyst);
        expect(page.status).toBe(200);
        seen.push(...slugs(page.body));
        cursor = page.body.page.nextCursor;
        pages += 1;
        // New proposals dated today sort first: they must not push old ones into a repeat.
        await f.proposal({ proposers: [{ actor: 'russia' }], proposedOn: new Date().toISOString().slice(0, 10) });
      } while (cursor);
      expect(pages).toBeGreaterThan(2);
      expect(seen).toEqual(expected);
      const cursorWithOtherFilters = await t.http
        .get('/api/v1/proposals')
        .query({ limit: 3 })
        .set(...analyst);
      const reused = await t.http
        .get('/api/v1/proposals')
        .query({ limit: 3, tag: 'list-tag', cursor: cursorWithOtherFilters.body.page.nextCursor })
        .set(...analyst);
      expect(reused.status).toBe(400);
    });
  });
});
