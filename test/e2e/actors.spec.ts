import type request from 'supertest';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('actors', () => {
  let t: TestApp;
  let staff: [string, string];
  let analyst: [string, string];
  beforeAll(async () => {
    t = await startTestApp();
    staff = bearer(await t.tokenFor('staff'));
    analyst = bearer(await t.tokenFor('analyst'));
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>) =>
    t.http
      .post('/api/v1/actors')
      .set(...staff)
      .send(body);

  it('creates an actor with a slug made from its name, accents transliterated, and an ETag', async () => {
    const response = await create({
      kind: 'person',
      name: 'Alexéy Borodávkin',
      title: 'Russian Ambassador to Kazakhstan',
    });
    expect(response.status).toBe(201);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toMatchObject({
      slug: 'alexey-borodavkin',
      kind: 'person',
      name: 'Alexéy Borodávkin',
      title: 'Russian Ambassador to Kazakhstan',
      shortName: null,
      aliases: [],
      country: null,
      members: [],
      version: 1,
    });
  });

  it('numbers a generated slug that is taken, and refuses a taken explicit slug with 409', async () => {
    const first = await create({ kind: 'organization', name: 'Eurasian Economic Union' });
    const second = await create({ kind: 'organization', name: 'Eurasian Economic Union', confirmNew: true });
    expect([first.body.slug, second.body.slug]).toEqual(['eurasian-economic-union', 'eurasian-economic-union-2']);
    const taken = await create({ kind: 'state', name: 'Other', slug: 'eurasian-economic-union' });
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe('urn:ppt:problem:slug_taken');
  });

  it('links a person to a state country and an organization to members; unknown ones → 422', async () => {
    await create({ kind: 'state', name: 'Kazakhstan' }).expect(201);
    await create({ kind: 'state', name: 'Kyrgyzstan' }).expect(201);
    const person = await create({ kind: 'person', name: 'Bulat Auelbayev', country: 'kazakhstan' });
    expect(person.body.country).toEqual({ slug: 'kazakhstan', name: 'Kazakhstan', kind: 'state' });

    const org = await create({
      kind: 'organization',
      name: 'Collective Security Treaty Organization',
      shortName: 'CSTO',
      members: ['kyrgyzstan', 'kazakhstan'],
    });
    expect(org.body.members.map((m: { slug: string }) => m.slug)).toEqual(['kazakhstan', 'kyrgyzstan']);

    const unknownCountry = await create({ kind: 'person', name: 'Nobody', country: 'atlantis' });
    expect(unknownCountry.status).toBe(422);
    expect(unknownCountry.body.errors).toEqual([{ field: 'country', message: 'unknown actor "atlantis"' }]);
    const notAState = await create({
      kind: 'person',
      name: 'Nobody',
      country: 'collective-security-treaty-organization',
    });
    expect(notAState.status).toBe(422);
    const unknownMember = await create({ kind: 'organization', name: 'Club', members: ['kazakhstan', 'atlantis'] });
    expect(unknownMember.status).toBe(422);
    expect(unknownMember.body.errors[0].field).toBe('members[1]');
    const stateWithMembers = await create({ kind: 'state', name: 'Odd', members: ['kazakhstan'] });
    expect(stateWithMembers.status).toBe(400);
  });

  it('validates kind, name and slug with 400s', async () => {
    for (const body of [
      { kind: 'planet', name: 'Mars' },
      { kind: 'state' },
      { kind: 'state', name: '' },
      { kind: 'state', name: 'X', slug: 'Not Valid' },
      { kind: 'state', name: 'X', aliases: [1] },
      { kind: 'state', name: 'X', aliases: null },
    ]) {
      const response = await create(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
  });

  it('finds actors by kind and by name, short name or alias, case-insensitively', async () => {
    await create({
      kind: 'organization',
      name: 'Conference on Interaction and Confidence-Building Measures in Asia',
      shortName: 'CICA',
      aliases: ['ICCA', 'СВМДА'],
      slug: 'cica',
    }).expect(201);
    for (const q of ['cica', 'icca', 'confidence-building', 'свмда']) {
      const response = await t.http
        .get('/api/v1/actors')
        .query({ q })
        .set(...analyst);
      expect({ q, slugs: response.body.data.map((a: { slug: string }) => a.slug) }).toEqual({ q, slugs: ['cica'] });
    }
    const wildcard = await t.http
      .get('/api/v1/actors')
      .query({ q: '%' })
      .set(...analyst);
    expect(wildcard.body.data).toEqual([]);
    const states = await t.http
      .get('/api/v1/actors')
      .query({ kind: 'state', limit: 100 })
      .set(...analyst);
    expect(states.body.data.length).toBeGreaterThan(0);
    expect(states.body.data.every((a: { kind: string }) => a.kind === 'state')).toBe(true);
  });

  it('pages through every actor exactly once, and refuses a cursor used with other filters', async () => {
    const all = await t.http
      .get('/api/v1/actors')
      .query({ limit: 100 })
      .set(...analyst);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await t.http
        .get('/api/v1/actors')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(...analyst);
      seen.push(...page.body.data.map((a: { slug: string }) => a.slug));
      cursor = page.body.page.nextCursor;
      if (cursor) {
        const misused = await t.http
          .get('/api/v1/actors')
          .query({ limit: 2, kind: 'state', cursor })
          .set(...analyst);
        expect(misused.status).toBe(400);
      }
    } while (cursor);
    expect(seen).toEqual(all.body.data.map((a: { slug: string }) => a.slug));
    expect(
      (
        await t.http
          .get('/api/v1/actors')
          .query({ cursor: 'garbage' })
          .set(...analyst)
      ).status,
    ).toBe(400);
  });

  it('gets one actor with an ETag and 304 for If-None-Match; 404 when missing', async () => {
    const got = await t.http.get('/api/v1/actors/kazakhstan').set(...analyst);
    expect(got.status).toBe(200);
    const again = await t.http
      .get('/api/v1/actors/kazakhstan')
      .set(...analyst)
      .set('if-none-match', got.headers.etag);
    expect(again.status).toBe(304);
    expect((await t.http.get('/api/v1/actors/atlantis').set(...analyst)).status).toBe(404);
  });

  it('patches with If-Match or version: 428 without, 412 stale, null clears', async () => {
    await create({
      kind: 'organization',
      name: 'Shanghai Cooperation Organisation',
      shortName: 'SCO',
      slug: 'sco',
    }).expect(201);
    expect(
      (
        await t.http
          .patch('/api/v1/actors/sco')
          .set(...staff)
          .send({ description: 'x' })
      ).status,
    ).toBe(428);
    const patched = await t.http
      .patch('/api/v1/actors/sco')
      .set(...staff)
      .set('if-match', '"1"')
      .send({ aliases: ['ShOS'], shortName: null });
    expect(patched.status).toBe(200);
    expect(patched.headers.etag).toBe('"2"');
    expect(patched.body).toMatchObject({ aliases: ['ShOS'], shortName: null, version: 2 });
    const stale = await t.http
      .patch('/api/v1/actors/sco')
      .set(...staff)
      .send({ description: 'y', version: 1 });
    expect(stale.status).toBe(412);
    expect(
      (
        await t.http
          .patch('/api/v1/actors/sco')
          .set(...staff)
          .send({ name: null, version: 2 })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.http
          .patch('/api/v1/actors/sco')
          .set(...staff)
          .send({ kind: 'state', version: 2 })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.http
          .patch('/api/v1/actors/nope')
          .set(...staff)
          .send({ version: 1 })
      ).status,
    ).toBe(404);
  });

  it('analysts read but may not write actors', async () => {
    expect(
      (
        await t.http
          .post('/api/v1/actors')
          .set(...analyst)
          .send({ kind: 'state', name: 'X' })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .patch('/api/v1/actors/sco')
          .set(...analyst)
          .send({ version: 2 })
      ).status,
    ).toBe(403);
  });
});
