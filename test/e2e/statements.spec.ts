import type request from 'supertest';
import { Db } from '../../src/common/database/db.js';
import { ProposalsRepository } from '../../src/modules/proposals/proposals.repository.js';
import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('statements', () => {
  let t: TestApp;
  let staff: [string, string];
  let editor: [string, string];
  let analyst: [string, string];
  let f: Factories;
  beforeAll(async () => {
    t = await startTestApp();
    const staffToken = await t.tokenFor('staff');
    staff = bearer(staffToken);
    editor = bearer(await t.tokenFor('editor'));
    analyst = bearer(await t.tokenFor('analyst'));
    f = factories(t.http, staffToken);
    await f.actor({ kind: 'state', name: 'Belarus', slug: 'belarus' });
    await f.actor({ kind: 'state', name: 'Russia', slug: 'russia' });
    await f.actor({ kind: 'organization', name: 'Collective Security Treaty Organization', slug: 'csto' });
    await f.actor({ kind: 'person', name: 'Alexander Trofimov', slug: 'alexander-trofimov' });
    await f.proposal({
      slug: 'charter',
      title: 'Eurasian Charter',
      proposers: [{ actor: 'belarus' }],
      proposedOn: '2024',
    });
    await f.proposal({
      slug: 'architecture',
      title: 'Eurasian security architecture',
      proposers: [{ actor: 'russia' }],
      proposedOn: '2024-04',
    });
    await f.event({ slug: 'minsk-2025', name: 'Minsk conference', kind: 'conference', startsOn: '2025-10' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: Record<string, unknown>, as = staff) =>
    t.http
      .post('/api/v1/statements')
      .set(...as)
      .send(body);
  const get = (path: string, as = analyst) => t.http.get(`/api/v1${path}`).set(...as);
  const valid = {
    speaker: 'alexander-trofimov',
    speakerRole: 'Ambassador-at-Large',
    saidOn: '2025-10-29',
    event: 'minsk-2025',
    quote: 'This document may become the Eurasian Charter for Diversity and Multilateralism in the 21st Century.',
    source: { publisher: 'BelTA', publishedOn: '2025-10-29' },
    proposals: [
      { slug: 'charter', stance: 'supports' },
      { slug: 'architecture', stance: 'neutral' },
    ],
  };

  describe('logging a statement', () => {
    it('records speaker, event, source and stances, with an ETag and the source embedded with its id', async () => {
      const response = await post(valid);
      expect(response.status).toBe(201);
      expect(response.headers.etag).toBe('"1"');
      expect(response.body).toMatchObject({
        speaker: { slug: 'alexander-trofimov', kind: 'person' },
        speakerRole: 'Ambassador-at-Large',
        saidOn: '2025-10-29',
        event: { slug: 'minsk-2025', startsOn: '2025-10' },
        language: 'en',
        source: { id: expect.any(String), publisher: 'BelTA', url: null, publishedOn: '2025-10-29' },
        proposals: [
          { slug: 'architecture', stance: 'neutral' },
          { slug: 'charter', stance: 'supports' },
        ],
        retracted: false,
        version: 1,
      });
      const read = await get(`/statements/${response.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);
      expect((await get(`/statements/${response.body.id}`).set('if-none-match', '"1"')).status).toBe(304);
    });

    it('audits the creation as the statement is shown, by the user and request that made it', async () => {
      const response = await post({
        ...valid,
        quote: 'Audited words on the charter.',
        summary: 'The charter, audited.',
      });
      expect(response.status).toBe(201);
      const audit = await get(`/audit?entityType=statement&entityId=${response.body.id}`, editor);
      expect(audit.status).toBe(200);
      expect(audit.body.data).toEqual([
        expect.objectContaining({
          action: 'create',
          entityType: 'statement',
          entityId: response.body.id,
          requestId: response.headers['x-request-id'],
          user: response.body.recordedBy,
          before: null,
          after: (await get(`/statements/${response.body.id}`)).body,
        }),
      ]);
    });

    it('audits concurrent writes each by its own user and request, with reads served between them', async () => {
      // Writes start and end while others run: each must keep its own context to the end.
      const writes = Array.from({ length: 16 }, (_, i) => ({
        requestId: `concurrent-write-${i}`,
        as: i % 2 === 0 ? staff : editor,
        quote: `Concurrent words ${i} on the charter.`,
      }));
      const [posted] = await Promise.all([
        Promise.all(
          writes.map((write) => post({ ...valid, quote: write.quote }, write.as).set('x-request-id', write.requestId)),
        ),
        Promise.all(Array.from({ length: 16 }, () => get('/proposals/charter'))),
      ]);
      for (const [i, response] of posted.entries()) {
        expect(response.status).toBe(201);
        expect(response.headers['x-request-id']).toBe(writes[i].requestId);
        const audit = await get(`/audit?entityType=statement&entityId=${response.body.id}`, editor);
        expect(audit.body.data).toEqual([
          expect.objectContaining({ requestId: writes[i].requestId, user: response.body.recordedBy }),
        ]);
      }
      expect(new Set(posted.map((response) => response.body.recordedBy.id)).size).toBe(2);
    });

    it('keeps what a proposal derives from its statements as a full recount would', async () => {
      await f.proposal({
        slug: 'derived',
        title: 'Derived fields',
        proposers: [{ actor: 'belarus' }],
        proposedOn: '2019',
      });
      const derived = async () =>
        (
          await t.dataSource.query(
            `SELECT last_statement_on, last_activity_on, statements_search::text AS words, version
               FROM proposals WHERE slug = 'derived'`,
          )
        )[0];
      // Dates out of order and of every precision: the newest is not the last one logged.
      for (const [saidOn, quote] of [
        ['2021-06-01', 'Cooperation frameworks deserve attention.'],
        ['2023', 'Security arrangements were debated at length.'],
        ['2022-11', 'Nobody opposed the multilateral charter.'],
      ]) {
        const response = await post({ ...valid, saidOn, quote, proposals: [{ slug: 'derived', stance: 'supports' }] });
        expect(response.status).toBe(201);
      }
      const incremental = await derived();
      expect(incremental).toMatchObject({ last_statement_on: '2023', last_activity_on: '2023', version: 4 });
      expect(incremental.words).toMatch(/'secur'/);
      const [{ id }] = await t.dataSource.query(`SELECT id FROM proposals WHERE slug = 'derived'`);
      await new ProposalsRepository(new Db(t.dataSource)).refreshActivity([id], t.dataSource.manager);
      expect(await derived()).toEqual(incremental);
    });

    it('records concurrent statements about the same proposals, citing one source, without deadlock or lost updates', async () => {
      for (const slug of ['busy-a', 'busy-b']) {
        await f.proposal({ slug, title: `Busy ${slug}`, proposers: [{ actor: 'belarus' }], proposedOn: '2018' });
      }
      const source = { url: 'https://news.example/busy-day' };
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          post({
            ...valid,
            saidOn: `2020-01-${String(1 + i).padStart(2, '0')}`,
            quote: `Busy words number ${i}.`,
            source,
            // Both orders, so two writers could take the proposals in opposite order.
            proposals: (i % 2 === 0 ? ['busy-a', 'busy-b'] : ['busy-b', 'busy-a']).map((slug) => ({
              slug,
              stance: 'supports',
            })),
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(30).fill(201));
      expect(new Set(responses.map((r) => r.body.source.id)).size).toBe(1);
      const derived = async () =>
        t.dataSource.query(
          `SELECT slug, last_statement_on, last_activity_on, statements_search::text AS words, version
             FROM proposals WHERE slug IN ('busy-a', 'busy-b') ORDER BY slug`,
        );
      const incremental = await derived();
      // Created at version 1, then one version per statement.
      expect(incremental).toEqual([
        expect.objectContaining({ slug: 'busy-a', last_statement_on: '2020-01-30', version: 31 }),
        expect.objectContaining({ slug: 'busy-b', last_statement_on: '2020-01-30', version: 31 }),
      ]);
      const ids = (await t.dataSource.query(`SELECT id FROM proposals WHERE slug IN ('busy-a', 'busy-b')`)).map(
        (row: { id: string }) => row.id,
      );
      await new ProposalsRepository(new Db(t.dataSource)).refreshActivity(ids, t.dataSource.manager);
      expect(await derived()).toEqual(incremental);
    });

    it.each([
      [{ speaker: 'nobody' }, 'speaker'],
      [{ event: 'no-such-event' }, 'event'],
      [
        {
          proposals: [
            { slug: 'charter', stance: 'supports' },
            { slug: 'missing', stance: 'opposes' },
          ],
        },
        'proposals[1].slug',
      ],
    ])('names what does not exist with 422 and writes nothing: %p', async (override, field) => {
      const counts = async () =>
        (
          await t.dataSource.query(
            `SELECT (SELECT count(*) FROM statements)::int AS statements, (SELECT count(*) FROM sources)::int AS sources,
                    (SELECT count(*) FROM audit_log)::int AS audit, (SELECT sum(version) FROM proposals)::int AS versions`,
          )
        )[0];
      const before = await counts();
      const source = { publisher: 'Nowhere Gazette', title: `Unwritten ${field}` };
      const response = await post({ ...valid, source, ...override });
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['a non-http URL', { source: { url: 'ftp://example.org/a' } }, 'source.url'],
      ['a javascript URL', { source: { url: 'javascript:alert(1)' } }, 'source.url'],
      ['a source with neither url nor publisher', { source: { title: 'x' } }, 'source.url'],
      ['a bad stance', { proposals: [{ slug: 'charter', stance: 'loves' }] }, 'proposals[0].stance'],
      ['a bad date', { saidOn: '2025-02-30' }, 'saidOn'],
      ['a month 13', { saidOn: '2025-13' }, 'saidOn'],
      ['no proposals', { proposals: [] }, 'proposals'],
      ['a proposal twice', { proposals: [valid.proposals[0], valid.proposals[0]] }, 'proposals'],
      ['a language that is not ISO 639-1', { language: 'english' }, 'language'],
      ['an unknown field', { mood: 'cheerful' }, 'mood'],
      ['neither quote nor summary', { quote: undefined }, 'quote'],
      ['a quote over 20,000 characters', { quote: 'x'.repeat(20_001) }, 'quote'],
    ])('refuses %s with 400', async (_what, override, field) => {
      const response = await post({ ...valid, ...override });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('accepts a reported statement with a summary and no quote, in another language', async () => {
      const response = await post({
        ...valid,
        quote: undefined,
        summary: 'Said the charter should be drafted',
        language: 'ru',
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        quote: null,
        summary: 'Said the charter should be drafted',
        language: 'ru',
      });
    });

    it('lets analysts read but not log statements', async () => {
      expect((await post(valid, analyst)).status).toBe(403);
      expect((await t.http.post('/api/v1/statements').send(valid)).status).toBe(401);
    });
  });

  describe('sources', () => {
    it('are one row per article: URLs normalized, URL-less ones by publisher, title and date', async () => {
      const cite = async (source: Record<string, unknown>) =>
        (await f.statement({ source, proposals: [valid.proposals[0]] })).source.id;
      const a = await cite({ url: 'https://www.BelTA.by/politics/view/charter-1/' });
      const b = await cite({ url: 'HTTPS://WWW.BELTA.BY/politics/view/charter-1#comments' });
      const c = await cite({ url: 'https://www.belta.by/politics/view/charter-1' });
      expect(new Set([a, b, c]).size).toBe(1);
      expect(await cite({ url: 'https://www.belta.by/politics/view/charter-2' })).not.toBe(a);

      const wire = { publisher: 'TASS', title: 'CSTO report', publishedOn: '2024-11-28' };
      const d = await cite(wire);
      expect(await cite({ ...wire, publisher: ' tass ' })).toBe(d);
      expect(await cite({ ...wire, publishedOn: '2024-11-29' })).not.toBe(d);
    });
  });

  describe('effects on proposals', () => {
    it('counts standing statements by stance, moves lastActivityOn, and undoes both on retraction', async () => {
      const p = await f.proposal({ proposers: [{ actor: 'belarus' }], proposedOn: '2020-03' });
      const before = await get(`/proposals/${p.slug}`);
      expect(before.body.statementCounts).toEqual({ supports: 0, opposes: 0, neutral: 0, total: 0 });
      expect(before.body.lastActivityOn).toBe('2020-03');

      await f.statement({ saidOn: '2021', proposals: [{ slug: p.slug, stance: 'supports' }] });
      const late = await f.statement({ saidOn: '2023-06-01', proposals: [{ slug: p.slug, stance: 'opposes' }] });
      await f.statement({ saidOn: '2019', proposals: [{ slug: p.slug, stance: 'supports' }] });
      const after = await get(`/proposals/${p.slug}`);
      expect(after.body.statementCounts).toEqual({ supports: 2, opposes: 1, neutral: 0, total: 3 });
      expect(after.body.lastActivityOn).toBe('2023-06-01');
      expect(after.body.version).toBeGreaterThan(before.body.version);

      const retracted = await t.http
        .post(`/api/v1/statements/${late.id}/retract`)
        .set(...editor)
        .send({ reason: 'Misattributed' });
      expect(retracted.status).toBe(200);
      expect(retracted.body).toMatchObject({
        retracted: true,
        retractionReason: 'Misattributed',
        retractedBy: { id: expect.any(String) },
      });
      const restored = await get(`/proposals/${p.slug}`);
      expect(restored.body.statementCounts).toEqual({ supports: 2, opposes: 0, neutral: 0, total: 2 });
      expect(restored.body.lastActivityOn).toBe('2021');

      // A transition later than every statement is the last activity; its retraction gives it back.
      const moved = await f.transition(p.slug, { to: 'under_discussion', occurredOn: '2022-01-01' });
      expect((await get(`/proposals/${p.slug}`)).body.lastActivityOn).toBe('2022-01-01');
      await t.http
        .post(`/api/v1/proposals/${p.slug}/transitions/${moved.id}/retract`)
        .set(...editor)
        .send({ reason: 'wrong' });
      expect((await get(`/proposals/${p.slug}`)).body.lastActivityOn).toBe('2021');
    });
  });

  describe('retraction', () => {
    it('is for editors, once, with a reason; the statement stays readable and drops out of default lists', async () => {
      const p = await f.proposal({ proposers: [{ actor: 'belarus' }] });
      const s = await f.statement({ proposals: [{ slug: p.slug, stance: 'supports' }] });
      const retract = (body: Record<string, unknown>, as = editor) =>
        t.http
          .post(`/api/v1/statements/${s.id}/retract`)
          .set(...as)
          .send(body);
      expect((await retract({ reason: 'x' }, staff)).status).toBe(403);
      expect((await retract({})).status).toBe(400);
      expect((await retract({ reason: 'Duplicate of an earlier entry' })).status).toBe(200);
      const again = await retract({ reason: 'again' });
      expect(again.status).toBe(409);
      expect(again.body.type).toBe('urn:ppt:problem:retraction_refused');

      expect((await get(`/statements/${s.id}`)).body.retracted).toBe(true);
      expect((await get(`/proposals/${p.slug}/statements`)).body.data).toEqual([]);
      const all = await get(`/proposals/${p.slug}/statements?includeRetracted=true`);
      expect(all.body.data.map((row: { id: string }) => row.id)).toEqual([s.id]);
      const edit = await t.http
        .patch(`/api/v1/statements/${s.id}`)
        .set(...staff)
        .set('if-match', '"2"')
        .send({ quote: 'rewritten' });
      expect(edit.status).toBe(409);
      expect(
        (
          await t.http
            .post(`/api/v1/statements/${randomUuid()}/retract`)
            .set(...editor)
            .send({ reason: 'x' })
        ).status,
      ).toBe(404);
    });
  });

  describe('editing', () => {
    it('needs If-Match or version (428, 412 when stale) and moves counts between proposals', async () => {
      const from = await f.proposal({ proposers: [{ actor: 'belarus' }] });
      const to = await f.proposal({ proposers: [{ actor: 'russia' }] });
      const s = await f.statement({ proposals: [{ slug: from.slug, stance: 'supports' }] });
      const patch = (body: Record<string, unknown>, ifMatch?: string) => {
        const req = t.http.patch(`/api/v1/statements/${s.id}`).set(...staff);
        return (ifMatch ? req.set('if-match', ifMatch) : req).send(body);
      };
      expect((await patch({ speakerRole: 'Envoy' })).status).toBe(428);
      expect((await patch({ speakerRole: 'Envoy' }, '"7"')).status).toBe(412);
      const edited = await patch({ speakerRole: 'Envoy', proposals: [{ slug: to.slug, stance: 'opposes' }] }, '"1"');
      expect(edited.status).toBe(200);
      expect(edited.headers.etag).toBe('"2"');
      expect(edited.body).toMatchObject({ speakerRole: 'Envoy', proposals: [{ slug: to.slug, stance: 'opposes' }] });
      expect((await get(`/proposals/${from.slug}`)).body.statementCounts.total).toBe(0);
      expect((await get(`/proposals/${to.slug}`)).body.statementCounts).toMatchObject({ opposes: 1, total: 1 });

      expect((await patch({ quote: null, version: 2 })).status).toBe(400);
      expect((await patch({ event: 'nowhere', version: 2 })).status).toBe(422);
      const cleared = await patch({ speakerRole: null, summary: 'gist', quote: null, version: 2 });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ speakerRole: null, quote: null, summary: 'gist', version: 3 });
    });
  });

  describe('listing and search', () => {
    let speaker: string;
    let p: string;
    beforeAll(async () => {
      speaker = (await f.actor({ kind: 'person', name: 'Listing Speaker' })).slug;
      p = (await f.proposal({ proposers: [{ actor: 'belarus' }] })).slug;
      const say = (saidOn: string, stance: string, quote: string) =>
        f.statement({ speaker, saidOn, quote, proposals: [{ slug: p, stance }] });
      await say('2023', 'supports', 'Diversity and multilateralism are the foundation of the charter.');
      await say('2024-07', 'opposes', 'The plan duplicates existing formats.');
      await say('2024-07-04', 'neutral', 'Talks continue on the security of the continent.');
      await say('2025-01-02', 'supports', 'A multilateral approach serves everyone.');
    });

    const list = async (query: Record<string, string>): Promise<string[]> => {
      const response = await get(`/statements?${new URLSearchParams({ speaker, ...query }).toString()}`);
      expect(response.status).toBe(200);
      return response.body.data.map((row: { saidOn: string }) => row.saidOn);
    };

    it('lists most recent first and filters by proposal, speaker and stance', async () => {
      expect(await list({})).toEqual(['2025-01-02', '2024-07-04', '2024-07', '2023']);
      expect(await list({ proposal: p, stance: 'supports' })).toEqual(['2025-01-02', '2023']);
      expect(await list({ stance: 'opposes' })).toEqual(['2024-07']);
      expect(await list({ proposal: 'no-such-proposal' })).toEqual([]);
    });

    it('filters by partial dates: from the first day of `from` to the last day of `to`', async () => {
      expect(await list({ from: '2024', to: '2024' })).toEqual(['2024-07-04', '2024-07']);
      expect(await list({ from: '2024-07-02' })).toEqual(['2025-01-02', '2024-07-04']);
      expect(await list({ to: '2024-07' })).toEqual(['2024-07-04', '2024-07', '2023']);
    });

    it('searches quotes with English stemming, best match first', async () => {
      const hits = await get(`/statements?${new URLSearchParams({ speaker, q: 'multilateral' }).toString()}`);
      expect(hits.body.data.map((row: { saidOn: string }) => row.saidOn).sort()).toEqual(['2023', '2025-01-02']);
      expect(await list({ q: 'security continent' })).toEqual(['2024-07-04']);
      expect(await list({ q: 'nonexistentword' })).toEqual([]);
    });

    it('pages with cursors bound to their filters', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(
          `/statements?${new URLSearchParams({ speaker, limit: '1', ...(cursor ? { cursor } : {}) }).toString()}`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((row: { saidOn: string }) => row.saidOn));
        cursor = page.body.page.nextCursor;
        if (cursor) {
          const misused = await get(
            `/statements?${new URLSearchParams({ speaker, stance: 'supports', cursor }).toString()}`,
          );
          expect(misused.status).toBe(400);
        }
      } while (cursor);
      expect(seen).toEqual(['2025-01-02', '2024-07-04', '2024-07', '2023']);
    });

    it.each([
      ['stance=loves'],
      ['from=2024-13'],
      ['to=yesterday'],
      ['limit=0'],
      ['limit=101'],
      ['includeRetracted=maybe'],
      ['cursor=bogus'],
      ['proposal=Not_A_Slug'],
    ])('refuses %s with 400', async (query) => {
      const response = await get(`/statements?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers 404 for an unknown statement or proposal in the path', async () => {
      expect((await get(`/statements/${randomUuid()}`)).status).toBe(404);
      expect((await get('/statements/not-a-uuid')).status).toBe(404);
      expect((await get('/proposals/no-such-proposal/statements')).status).toBe(404);
      expect((await get('/proposals/no-such-proposal/timeline')).status).toBe(404);
    });
  });

  describe('transitions citing statements', () => {
    it('link standing statements, refuse unknown or retracted ones with 422, and show them in the history', async () => {
      const p = await f.proposal({ proposers: [{ actor: 'belarus' }], proposedOn: '2024' });
      const evidence = await f.statement({ saidOn: '2024-06', proposals: [{ slug: p.slug, stance: 'supports' }] });
      const gone = await f.statement({ proposals: [{ slug: p.slug, stance: 'supports' }] });
      await t.http
        .post(`/api/v1/statements/${gone.id}/retract`)
        .set(...editor)
        .send({ reason: 'duplicate' });
      const move = (statementIds: string[]) =>
        t.http
          .post(`/api/v1/proposals/${p.slug}/transitions`)
          .set(...staff)
          .send({ to: 'drafting', occurredOn: '2024-07', statementIds, sources: [{ publisher: 'BelTA' }] });
      const unknown = await move([randomUuid()]);
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('statementIds[0]');
      expect((await move([evidence.id, gone.id])).status).toBe(422);
      expect((await move(['not-a-uuid'])).status).toBe(400);

      const moved = await move([evidence.id]);
      expect(moved.status).toBe(201);
      expect(moved.body.statements).toEqual([
        expect.objectContaining({ id: evidence.id, saidOn: '2024-06', retracted: false }),
      ]);
      expect(moved.body.sources).toEqual([expect.objectContaining({ publisher: 'BelTA' })]);
      const history = await get(`/proposals/${p.slug}/transitions`);
      expect(history.body.data[1].statements.map((s: { id: string }) => s.id)).toEqual([evidence.id]);
    });
  });

  describe('the timeline', () => {
    it('merges transitions and statements by first day, then precision, then recorded time', async () => {
      const p = (await f.proposal({ proposers: [{ actor: 'belarus' }], proposedOn: '2024' })).slug;
      const say = (saidOn: string) => f.statement({ saidOn, proposals: [{ slug: p, stance: 'supports' }] });
      await say('2024-07-01');
      await say('2024-07');
      await f.transition(p, { to: 'drafting', occurredOn: '2024-07-01' });
      const late = await say('2023-12-31');
      await t.http
        .post(`/api/v1/statements/${late.id}/retract`)
        .set(...editor)
        .send({ reason: 'wrong proposal' });

      const timeline = await get(`/proposals/${p}/timeline`);
      expect(timeline.status).toBe(200);
      expect(
        timeline.body.data.map((item: { type: string; occurredOn: string }) => `${item.type} ${item.occurredOn}`),
      ).toEqual(['transition 2024', 'statement 2024-07', 'statement 2024-07-01', 'transition 2024-07-01']);
      expect(timeline.body.data[1]).toMatchObject({ type: 'statement', stance: 'supports', saidOn: '2024-07' });
      expect(timeline.body.data[3]).toMatchObject({ type: 'transition', from: 'proposed', to: 'drafting' });

      const everything = await get(`/proposals/${p}/timeline?includeRetracted=true`);
      expect(everything.body.data[0]).toMatchObject({ type: 'statement', occurredOn: '2023-12-31', retracted: true });
      expect(everything.body.data).toHaveLength(5);
      expect((await get(`/proposals/${p}/timeline?includeRetracted=yes`)).status).toBe(400);
    });
  });

  describe('full-text search of proposals', () => {
    it('finds proposals by title, summary and the quotes about them, own text ranked first', async () => {
      const own = await f.proposal({
        proposers: [{ actor: 'belarus' }],
        title: 'Charter of multilateralism',
        summary: 'A framework document',
      });
      const quoted = await f.proposal({ proposers: [{ actor: 'belarus' }], title: 'Something else entirely' });
      await f.statement({
        quote: 'We need more multilateral cooperation',
        proposals: [{ slug: quoted.slug, stance: 'supports' }],
      });
      const hits = await get('/proposals?q=multilateral&limit=100');
      expect(hits.status).toBe(200);
      const slugs = hits.body.data.map((row: { slug: string }) => row.slug);
      expect(slugs).toEqual(expect.arrayContaining([own.slug, quoted.slug]));
      expect(slugs.indexOf(own.slug)).toBeLessThan(slugs.indexOf(quoted.slug));
      expect((await get('/proposals?q=framework')).body.data.map((row: { slug: string }) => row.slug)).toContain(
        own.slug,
      );
      expect((await get('/proposals?sort=relevance')).status).toBe(400);
    });
  });
});

describe('events', () => {
  let t: TestApp;
  let staff: [string, string];
  let f: Factories;
  beforeAll(async () => {
    t = await startTestApp();
    const token = await t.tokenFor('staff');
    staff = bearer(token);
    f = factories(t.http, token);
    await f.actor({ kind: 'organization', name: 'Shanghai Cooperation Organization', slug: 'sco' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: Record<string, unknown>) =>
    t.http
      .post('/api/v1/events')
      .set(...staff)
      .send(body);

  it('records an event with organizers and a slug from its name; a taken explicit slug is a 409', async () => {
    const created = await post({
      name: 'SCO summit in Astana',
      kind: 'summit',
      startsOn: '2024-07-03',
      endsOn: '2024-07-04',
      location: 'Astana',
      organizers: ['sco'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'sco-summit-in-astana',
      kind: 'summit',
      startsOn: '2024-07-03',
      endsOn: '2024-07-04',
      organizers: [{ slug: 'sco' }],
    });
    const got = await t.http.get('/api/v1/events/sco-summit-in-astana').set(...staff);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect((await post({ name: 'Other', kind: 'summit', startsOn: '2024', slug: 'sco-summit-in-astana' })).status).toBe(
      409,
    );
    expect((await t.http.get('/api/v1/events/none').set(...staff)).status).toBe(404);
  });

  it.each([
    [{ kind: 'party' }, 400],
    [{ startsOn: '24-07' }, 400],
    [{ startsOn: '2024-07-05', endsOn: '2024-07-04' }, 400],
    [{ startsOn: '2024-07', endsOn: '2024-06-30' }, 400],
    [{ organizers: ['nobody'] }, 422],
  ])('refuses %p with %i', async (override, status) => {
    const response = await post({ name: 'Bad event', kind: 'meeting', startsOn: '2024-07', ...override });
    expect(response.status).toBe(status);
  });

  it('lists most recent first, filtered by kind, dates, organizer and name', async () => {
    await f.event({ name: 'Roundtable A', kind: 'roundtable', startsOn: '2025-04-29', location: 'Astana' });
    await f.event({ name: 'Roundtable B', kind: 'roundtable', startsOn: '2023' });
    const names = async (query: string): Promise<string[]> => {
      const response = await t.http.get(`/api/v1/events?${query}`).set(...staff);
      expect(response.status).toBe(200);
      return response.body.data.map((event: { name: string }) => event.name);
    };
    expect(await names('kind=roundtable')).toEqual(['Roundtable A', 'Roundtable B']);
    expect(await names('from=2024&to=2024')).toEqual(['SCO summit in Astana']);
    expect(await names('q=astana')).toEqual(['Roundtable A', 'SCO summit in Astana']);
    expect(await names('organizer=sco')).toEqual(['SCO summit in Astana']);
    expect((await t.http.get('/api/v1/events?kind=party').set(...staff)).status).toBe(400);
  });
});

function randomUuid(): string {
  return crypto.randomUUID();
}
