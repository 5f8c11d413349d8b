import { today } from '../../src/common/dates/partial-date.js';
import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Contract §5: how sure dates are, sources as records, corrections, assessments, as-of everywhere. */
describe('provenance', () => {
  let t: TestApp;
  let staff: [string, string];
  let editor: [string, string];
  let analyst: [string, string];
  let fs: Factories;
  const get = (path: string, as = analyst) => t.http.get(`/api/v1${path}`).set(...as);
  const post = (path: string, body: unknown, as = staff) =>
    t.http
      .post(`/api/v1${path}`)
      .set(...as)
      .send(body as object);

  beforeAll(async () => {
    t = await startTestApp();
    const staffToken = await t.tokenFor('staff');
    staff = bearer(staffToken);
    editor = bearer(await t.tokenFor('editor'));
    analyst = bearer(await t.tokenFor('analyst'));
    fs = factories(t.http, staffToken);
    await fs.actor({ kind: 'state', name: 'Belarus', slug: 'belarus' });
    await fs.actor({ kind: 'person', name: 'Alexander Trofimov', slug: 'alexander-trofimov' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('date certainty', () => {
    it('takes a date with its certainty and basis, and shows them beside it everywhere', async () => {
      const created = await post('/proposals', {
        title: 'Eurasian Charter for Diversity and Multilateralism',
        proposedOn: { value: '2025-10-29', certainty: 'not-after', basis: '"have proposed", BelTA of 29 October' },
        proposers: [{ actor: 'belarus' }],
        sources: [
          {
            publisher: 'BelTA',
            publishedOn: { value: '2025-10-29', certainty: 'inferred', basis: 'dateline without a year' },
          },
        ],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        proposedOn: '2025-10-29',
        proposedOnCertainty: 'not-after',
        proposedOnBasis: '"have proposed", BelTA of 29 October',
        statusSince: '2025-10-29',
        statusSinceCertainty: 'not-after',
      });
      expect(created.body.sources[0]).toMatchObject({
        publisher: 'BelTA',
        publishedOnCertainty: 'inferred',
        publishedOnBasis: 'dateline without a year',
      });
      const slug = created.body.slug as string;
      const history = await get(`/proposals/${slug}/transitions`);
      expect(history.body.data[0]).toMatchObject({ occurredOn: '2025-10-29', occurredOnCertainty: 'not-after' });
      const status = await get(`/proposals/${slug}/status?asOf=2025-12-31`);
      expect(status.body).toMatchObject({ statusSince: '2025-10-29', statusSinceCertainty: 'not-after' });

      const statement = await post('/statements', {
        speaker: 'alexander-trofimov',
        saidOn: { value: '2025-10-29', certainty: 'inferred', basis: 'the 3rd Minsk conference, held each autumn' },
        quote: 'We propose to begin its development.',
        source: { publisher: 'BelTA', title: 'Trofimov at the Minsk conference' },
        proposals: [{ slug, stance: 'supports' }],
      });
      expect(statement.status).toBe(201);
      expect(statement.body).toMatchObject({
        saidOnCertainty: 'inferred',
        saidOnBasis: expect.stringMatching(/Minsk/),
      });
      const timeline = await get(`/proposals/${slug}/timeline`);
      expect(timeline.body.data.find((item: { type: string }) => item.type === 'statement')).toMatchObject({
        occurredOn: '2025-10-29',
        occurredOnCertainty: 'inferred',
      });
      const report = await get('/reports/progress?asOf=2025-12-31');
      expect(report.body.proposals.find((row: { slug: string }) => row.slug === slug)).toMatchObject({
        statusSinceCertainty: 'not-after',
        lastTransitionOnCertainty: 'not-after',
        lastStatementOn: '2025-10-29',
        lastStatementOnCertainty: 'inferred',
        lastStatementOnBasis: 'the 3rd Minsk conference, held each autumn',
      });
      const csv = await get('/reports/progress?asOf=2025-12-31&format=csv');
      const [header, ...lines] = csv.text.trim().split(/\r?\n/);
      expect(header).toContain('"statusSinceCertainty"');
      expect(lines.find((line) => line.startsWith(`"${slug}"`))).toContain('"not-after"');
    });

    it('shows a plain date as stated, with no basis', async () => {
      const p = await fs.proposal({ proposedOn: '2024-05' });
      const shown = await get(`/proposals/${p.slug}`);
      expect(shown.body).toMatchObject({ proposedOnCertainty: 'stated', proposedOnBasis: null });
    });

    it.each([
      [
        { value: '2024', certainty: 'guessed', basis: 'x' },
        /proposedOn\.certainty must be one of stated, inferred, approximate, not-after/,
      ],
      [{ value: '2024', certainty: 'inferred' }, /proposedOn\.basis is required when the date is inferred/],
      [{ value: '2024-02-30', certainty: 'stated' }, /proposedOn\.value must be a real calendar date/],
      [{ value: '2024', certainty: 'stated', source: 'x' }, /proposedOn\.source is not a known field/],
      ['2099-01-01', /proposedOn must not be after today/],
      [42, /proposedOn must be a date/],
    ])('refuses the date %p with a 400 naming the field', async (proposedOn, message) => {
      const response = await post('/proposals', {
        title: 'A proposal with a bad date',
        proposedOn,
        proposers: [{ actor: 'belarus' }],
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'proposedOn', message: expect.stringMatching(message) }]);
    });

    it('counts only stated dates with certainty=stated', async () => {
      const p = await fs.proposal({ proposedOn: '2024-01' });
      await fs.transition(p.slug, {
        to: 'drafting',
        occurredOn: { value: '2025-06', certainty: 'inferred', basis: 'a month named without a year' },
      });
      const all = await get('/reports/progress?asOf=2025-12-31');
      const stated = await get('/reports/progress?asOf=2025-12-31&certainty=stated');
      const row = (body: { proposals: { slug: string }[] }) => body.proposals.find((r) => r.slug === p.slug);
      expect(row(all.body)).toMatchObject({ status: 'drafting', momentum: 'advancing' });
      expect(row(stated.body)).toMatchObject({ status: 'proposed', statusSince: '2024-01', momentum: 'stalled' });
      expect((await get('/reports/progress?certainty=inferred')).status).toBe(400);
    });
  });

  describe('sources as a resource', () => {
    it('lists, shows with every citation, and edits a source with If-Match', async () => {
      const p = await fs.proposal({ sources: [{ url: 'https://tass.example/borodavkin', publisher: 'TASS' }] });
      await fs.transition(p.slug, {
        to: 'drafting',
        occurredOn: '2024-06',
        sources: [{ url: 'https://tass.example/borodavkin' }],
      });
      const statement = await fs.statement({
        proposals: [{ slug: p.slug, stance: 'supports' }],
        source: { url: 'https://tass.example/borodavkin' },
      });
      const listed = await get('/sources?q=tass.example/borodavkin');
      expect(listed.status).toBe(200);
      expect(listed.body.data).toHaveLength(1);
      const id = listed.body.data[0].id as string;
      expect(statement.source.id).toBe(id);
      const one = await get(`/sources/${id}`);
      expect(one.headers.etag).toBe('"1"');
      expect(one.body.citations.map((c: { type: string }) => c.type).sort()).toEqual([
        'statement',
        'transition',
        'transition',
      ]);
      expect(one.body.citations[0].proposals[0].slug).toBe(p.slug);

      const edit = (body: object, ifMatch?: string) => {
        const request = t.http.patch(`/api/v1/sources/${id}`).set(...staff);
        return (ifMatch === undefined ? request : request.set('if-match', ifMatch)).send(body);
      };
      expect((await edit({ note: 'x' })).status).toBe(428);
      const edited = await edit({ title: 'Borodavkin at the Eurasian Dialogue', note: 'Year inferred' }, '"1"');
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        title: 'Borodavkin at the Eurasian Dialogue',
        note: 'Year inferred',
        version: 2,
      });
      expect((await edit({ note: 'stale' }, '"1"')).status).toBe(412);
      await fs.statement({
        proposals: [{ slug: p.slug, stance: 'neutral' }],
        source: { url: 'https://tass.example/other' },
      });
      const taken = await edit({ url: 'https://tass.example/other' }, '"2"');
      expect(taken.status).toBe(409);
      expect((await edit({ url: null, publisher: null }, '"2"')).status).toBe(400);
      const audit = await get(`/audit?entityType=source&entityId=${id}`, editor);
      expect(audit.body.data[0]).toMatchObject({
        action: 'update',
        after: { title: 'Borodavkin at the Eurasian Dialogue' },
      });
      expect((await get('/sources/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });

    it('refuses a transition after the first that cites nothing, with 422 source_required', async () => {
      const p = await fs.proposal();
      const bare = await post(`/proposals/${p.slug}/transitions`, { to: 'drafting', occurredOn: '2021' });
      expect(bare.status).toBe(422);
      expect(bare.body.type).toBe('urn:ppt:problem:source_required');
      const statement = await fs.statement({ proposals: [{ slug: p.slug, stance: 'supports' }] });
      const cited = await post(`/proposals/${p.slug}/transitions`, {
        to: 'drafting',
        occurredOn: '2024-06',
        statementIds: [statement.id],
      });
      expect(cited.status).toBe(201);
    });
  });

  describe('corrections', () => {
    it('redates the first transition: both rows in the history, the proposal dated anew, in the audit log', async () => {
      const p = await fs.proposal({ proposedOn: '2020-01-15', initialStatus: 'proposed' });
      expect((await post(`/proposals/${p.slug}/redate`, { proposedOn: '2019', reason: 'x' })).status).toBe(403);
      const redated = await post(
        `/proposals/${p.slug}/redate`,
        {
          proposedOn: { value: '2019', certainty: 'approximate', basis: '"some years ago"' },
          initialStatus: 'floated',
          reason: 'The article says some years ago, not a day',
        },
        editor,
      );
      expect(redated.status).toBe(200);
      expect(redated.body.retracted).toMatchObject({ occurredOn: '2020-01-15', retracted: true });
      expect(redated.body.corrected).toMatchObject({
        occurredOn: '2019',
        occurredOnCertainty: 'approximate',
        to: 'floated',
      });
      const history = await get(`/proposals/${p.slug}/transitions`);
      expect(
        history.body.data.map((row: { occurredOn: string; retracted: boolean }) => [row.occurredOn, row.retracted]),
      ).toEqual([
        ['2019', false],
        ['2020-01-15', true],
      ]);
      const shown = await get(`/proposals/${p.slug}`);
      expect(shown.body).toMatchObject({ proposedOn: '2019', proposedOnCertainty: 'approximate', status: 'floated' });
      const audit = await get(`/audit?entityType=proposal&entityId=${p.slug}`, editor);
      expect(audit.body.data[0]).toMatchObject({
        action: 'redate',
        after: { proposedOn: '2019', initialStatus: 'floated' },
      });
    });

    it('refuses a correction that would put the first transition after the second, or change a status later ones follow', async () => {
      const p = await fs.proposal({ proposedOn: '2020', initialStatus: 'proposed' });
      await fs.transition(p.slug, { to: 'drafting', occurredOn: '2021-03' });
      const late = await post(`/proposals/${p.slug}/redate`, { proposedOn: '2022', reason: 'x' }, editor);
      expect(late.status).toBe(409);
      expect(late.body.errors[0].field).toBe('proposedOn');
      const status = await post(
        `/proposals/${p.slug}/redate`,
        { proposedOn: '2020', initialStatus: 'floated', reason: 'x' },
        editor,
      );
      expect(status.status).toBe(409);
      const fine = await post(
        `/proposals/${p.slug}/redate`,
        { proposedOn: '2020-06', reason: 'the month is known' },
        editor,
      );
      expect(fine.status).toBe(200);
      expect((await get(`/proposals/${p.slug}`)).body).toMatchObject({ proposedOn: '2020-06', status: 'drafting' });
      // The corrected creation is not retractable like any other.
      expect(
        (await post(`/proposals/${p.slug}/redate`, { proposedOn: '2020-06', reason: 'again' }, editor)).status,
      ).toBe(409);
    });
  });

  describe('editorial assessments', () => {
    it('stand beside the computed momentum until the next standing record, or until withdrawn', async () => {
      const p = await fs.proposal({ proposedOn: '2020' });
      const before = await get(`/proposals/${p.slug}`);
      expect(before.body.assessment).toBeNull();
      expect((await post(`/proposals/${p.slug}/assessments`, { momentum: 'advancing', reason: 'x' })).status).toBe(403);
      const recorded = await post(
        `/proposals/${p.slug}/assessments`,
        { momentum: 'advancing', reason: 'Working groups meet monthly', sources: [{ publisher: 'CSTO' }] },
        editor,
      );
      expect(recorded.status).toBe(201);
      expect(recorded.body).toMatchObject({
        momentum: 'advancing',
        standing: true,
        sources: [expect.objectContaining({ publisher: 'CSTO' })],
      });
      const shown = await get(`/proposals/${p.slug}`);
      expect(shown.body.assessment).toMatchObject({
        momentum: 'advancing',
        reason: 'Working groups meet monthly',
        on: today(),
      });
      // The computed momentum and its reasons do not change because of it.
      expect(shown.body.momentum).toBe(before.body.momentum);
      expect(shown.body.momentumReasons).toEqual(before.body.momentumReasons);
      const report = await get('/reports/progress');
      expect(report.body.proposals.find((row: { slug: string }) => row.slug === p.slug).assessment).toMatchObject({
        momentum: 'advancing',
      });
      // The next standing statement about the proposal clears it.
      await fs.statement({ proposals: [{ slug: p.slug, stance: 'supports' }] });
      expect((await get(`/proposals/${p.slug}`)).body.assessment).toBeNull();
      const again = await post(
        `/proposals/${p.slug}/assessments`,
        { momentum: 'stalled', reason: 'Talks froze' },
        editor,
      );
      const withdrawn = await post(
        `/proposals/${p.slug}/assessments/${again.body.id}/withdraw`,
        { reason: 'Talks resumed' },
        editor,
      );
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toMatchObject({ withdrawn: true, standing: false, withdrawalReason: 'Talks resumed' });
      expect((await get(`/proposals/${p.slug}`)).body.assessment).toBeNull();
      expect(
        (await post(`/proposals/${p.slug}/assessments/${again.body.id}/withdraw`, { reason: 'x' }, editor)).status,
      ).toBe(409);
      const list = await get(`/proposals/${p.slug}/assessments`);
      expect(list.body.data.map((a: { momentum: string; standing: boolean }) => [a.momentum, a.standing])).toEqual([
        ['advancing', false],
        ['stalled', false],
      ]);
    });
  });

  describe('as of a date', () => {
    it('lists proposals as they stood, leaves out the later ones, and agrees with the report', async () => {
      const old = await fs.proposal({ proposedOn: '2022-03', title: 'Recorded in 2022' });
      await fs.transition(old.slug, { to: 'drafting', occurredOn: '2023-05' });
      const later = await fs.proposal({ proposedOn: '2024-02', title: 'Recorded in 2024' });
      const listed = await get('/proposals?asOf=2022&limit=100');
      const slugs = listed.body.data.map((row: { slug: string }) => row.slug);
      expect(slugs).toContain(old.slug);
      expect(slugs).not.toContain(later.slug);
      expect(listed.body.data.find((row: { slug: string }) => row.slug === old.slug)).toMatchObject({
        status: 'proposed',
        statusSince: '2022-03',
        momentumAsOf: '2022-12-31',
      });
      const drafting = await get('/proposals?status=drafting&asOf=2023-12-31&limit=100');
      const report = await get('/reports/progress?status=drafting&asOf=2023-12-31');
      expect(drafting.body.data.map((row: { slug: string }) => row.slug).sort()).toEqual(
        report.body.proposals.map((row: { slug: string }) => row.slug).sort(),
      );
      expect(drafting.body.data.map((row: { slug: string }) => row.slug)).toContain(old.slug);
      const one = await get(`/proposals/${old.slug}?asOf=2022-06`);
      expect(one.body).toMatchObject({ status: 'proposed', momentumAsOf: '2022-06-30' });
      expect((await get(`/proposals/${later.slug}?asOf=2023`)).status).toBe(404);
      expect((await get(`/proposals/${old.slug}?asOf=2022-13`)).status).toBe(400);
    });

    it('answers a query parameter a route does not know with a 400 naming it, on every route', async () => {
      const p = await fs.proposal();
      for (const path of [
        `/proposals/${p.slug}?asof=2024`,
        '/proposals?stauts=drafting',
        `/proposals/${p.slug}/timeline?limit=5`,
        '/me?x=1',
      ]) {
        const response = await get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(response.body.errors[0].message).toMatch(/is not a query parameter of this route/);
      }
      expect((await t.http.get('/health?verbose=1')).status).toBe(400);
    });
  });

  describe('finding proposals', () => {
    it('by parent, descendants, proposer role, related (both sides) and the names of proposers and forums', async () => {
      await fs.actor({
        kind: 'organization',
        name: 'Conference on Interaction and Confidence-Building Measures in Asia',
        shortName: 'CICA',
        aliases: ['ICCA', 'СВМДА'],
        slug: 'cica',
      });
      const root = await fs.proposal({ title: 'Eurasian security architecture', proposers: [{ actor: 'belarus' }] });
      const child = await fs.proposal({
        title: 'A charter',
        parent: root.slug,
        proposers: [{ actor: 'belarus', role: 'proposer' }],
      });
      const grandchild = await fs.proposal({
        title: 'An annex',
        parent: child.slug,
        proposers: [
          { actor: 'belarus', role: 'proposer' },
          { actor: 'alexander-trofimov', role: 'backer' },
        ],
      });
      const cica = await fs.proposal({
        title: 'Transformation into an organization',
        forums: ['cica'],
        related: [{ proposal: root.slug, relation: 'complements' }],
      });
      const slugs = async (query: string) =>
        ((await get(`/proposals?${query}&limit=100`)).body.data as { slug: string }[]).map((row) => row.slug).sort();
      expect(await slugs(`parent=${root.slug}`)).toEqual([child.slug]);
      expect(await slugs(`descendantsOf=${root.slug}`)).toEqual([child.slug, grandchild.slug].sort());
      expect(await slugs('proposer=alexander-trofimov&proposerRole=backer')).toEqual([grandchild.slug]);
      expect(await slugs('proposer=alexander-trofimov&proposerRole=proposer')).toEqual([]);
      expect(await slugs(`related=${root.slug}`)).toEqual([cica.slug]);
      expect(await slugs(`related=${cica.slug}`)).toEqual([root.slug]);
      expect((await get(`/proposals/${root.slug}`)).body.related).toEqual([
        {
          slug: cica.slug,
          title: 'Transformation into an organization',
          relation: 'complements',
          direction: 'incoming',
        },
      ]);
      expect(await slugs('q=ICCA')).toContain(cica.slug);
      expect(await slugs(`q=${encodeURIComponent('СВМДА')}`)).toContain(cica.slug);
    });
  });
});
