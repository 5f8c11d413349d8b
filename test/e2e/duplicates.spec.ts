import { factories, type Factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('duplicates: refused unless meant, merged or marked when made', () => {
  let t: TestApp;
  let f: Factories;
  const admin = bearer(ADMIN_TOKEN);
  const post = (path: string, body: object) =>
    t.http
      .post(`/api/v1${path}`)
      .set(...admin)
      .send(body);
  const get = (path: string) => t.http.get(`/api/v1${path}`).set(...admin);

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t.http, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('a new actor or proposal matching an existing one', () => {
    beforeAll(async () => {
      await f.actor({ kind: 'state', name: 'Kazakhstan', slug: 'kz-dup', aliases: ['Қазақстан'], confirmNew: true });
    });

    it.each([
      ['the same name', { name: 'Kazakhstan' }],
      ['another case and accents', { name: 'KAZAKHSTÁN' }],
      ['punctuation and spaces', { name: ' kazakhstan. ' }],
      ['a short name matching its name', { name: 'Republic of Kazakhstan', shortName: 'Kazakhstan' }],
      ['an alias matching its alias', { name: 'Qazaqstan Respublikasy', aliases: ['Қазақстан'] }],
    ])('is a 409 likely_duplicate naming it: %s', async (_case, names) => {
      const refused = await post('/actors', { kind: 'state', ...names });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        type: 'urn:ppt:problem:likely_duplicate',
        duplicates: expect.arrayContaining([{ slug: 'kz-dup', name: 'Kazakhstan', kind: 'state' }]),
        errors: [{ field: 'name', message: expect.stringContaining('kz-dup') }],
      });
      expect(refused.body.detail).toMatch(/send confirmNew: true if this is another actor/);
    });

    it('is created when the request says it is new on purpose', async () => {
      await f.actor({ kind: 'state', name: 'Mongolia', confirmNew: true });
      const again = await post('/actors', { kind: 'state', name: 'Mongolia', confirmNew: true });
      expect(again.status).toBe(201);
      expect(again.body.slug).toBe('mongolia-2');
    });

    it('applies to proposal titles, case and accents aside', async () => {
      const first = await f.proposal({ title: 'Greater Eurasian Partnership (dup test)' });
      const refused = await post('/proposals', {
        title: 'greater eurasian partnership — DUP TEST',
        proposedOn: '2016',
        proposers: [{ actor: 'kz-dup' }],
      });
      expect(refused.status).toBe(409);
      expect(refused.body.duplicates).toEqual([{ slug: first.slug, name: 'Greater Eurasian Partnership (dup test)' }]);
      expect(refused.body.errors).toEqual([{ field: 'title', message: `matches ${first.slug}` }]);
      const meant = await post('/proposals', {
        title: 'Greater Eurasian Partnership (dup test)',
        proposedOn: '2016',
        proposers: [{ actor: 'kz-dup' }],
        confirmNew: true,
      });
      expect(meant.status).toBe(201);
    });
  });

  describe('merging a duplicate actor', () => {
    it('moves every reference, keeps the old slug resolving, and is on the record', async () => {
      const into = await f.actor({ kind: 'organization', name: 'Collective Security Treaty Organization' });
      const from = await f.actor({
        kind: 'organization',
        name: 'CSTO (entered twice)',
        shortName: 'ODKB',
        aliases: ['Организация Договора о коллективной безопасности'],
      });
      const member = await f.actor({ kind: 'state', name: 'Member state for merging' });
      await t.http
        .patch(`/api/v1/actors/${from.slug}`)
        .set(...admin)
        .send({ version: 1, members: [member.slug] });
      // Both are proposers of one proposal: one link stays, with the stronger role.
      const both = await f.proposal({
        proposers: [
          { actor: into.slug, role: 'backer' },
          { actor: from.slug, role: 'proposer' },
        ],
        forums: [from.slug],
      });
      const event = await f.event({ organizers: [from.slug] });
      const speakerFrom = await f.actor({ kind: 'person', name: 'Speaker entered twice' });
      const speakerInto = await f.actor({ kind: 'person', name: 'Speaker kept' });
      const statement = await f.statement({
        speaker: speakerFrom.slug,
        proposals: [{ slug: both.slug, stance: 'supports' }],
      });

      const merged = await post(`/actors/${from.slug}/merge`, { into: into.slug, reason: 'Entered twice' });
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({
        slug: into.slug,
        aliases: expect.arrayContaining([
          'CSTO (entered twice)',
          'ODKB',
          'Организация Договора о коллективной безопасности',
        ]),
        members: [expect.objectContaining({ slug: member.slug })],
        mergedFrom: [
          {
            slug: from.slug,
            name: 'CSTO (entered twice)',
            reason: 'Entered twice',
            mergedAt: expect.any(String),
            mergedBy: expect.objectContaining({ name: 'admin' }),
          },
        ],
      });

      const proposal = await get(`/proposals/${both.slug}`);
      expect(proposal.body.proposers).toEqual([expect.objectContaining({ slug: into.slug, role: 'proposer' })]);
      expect(proposal.body.forums).toEqual([expect.objectContaining({ slug: into.slug })]);
      expect((await get(`/events/${event.slug}`)).body.organizers).toEqual([
        expect.objectContaining({ slug: into.slug }),
      ]);

      // The old slug resolves, on GET and in any body naming an actor.
      const old = await get(`/actors/${from.slug}`);
      expect(old.status).toBe(200);
      expect(old.body.slug).toBe(into.slug);
      const named = await f.proposal({ proposers: [{ actor: from.slug }] });
      expect((await get(`/proposals/${named.slug}`)).body.proposers[0].slug).toBe(into.slug);
      const listed = await get(`/actors?q=${encodeURIComponent('entered twice')}`);
      expect(listed.body.data.map((actor: { slug: string }) => actor.slug)).not.toContain(from.slug);

      const audit = await get(`/audit?entityType=actor&entityId=${from.slug}`);
      expect(audit.body.data[0]).toMatchObject({
        action: 'merge',
        after: expect.objectContaining({ mergedInto: into.slug, reason: 'Entered twice' }),
      });

      const people = await post(`/actors/${speakerFrom.slug}/merge`, { into: speakerInto.slug, reason: 'Same person' });
      expect(people.status).toBe(200);
      expect((await get(`/statements/${statement.id}`)).body.speaker.slug).toBe(speakerInto.slug);
      // A statement naming the old slug is the kept person's.
      const said = await f.statement({
        speaker: speakerFrom.slug,
        proposals: [{ slug: both.slug, stance: 'neutral' }],
      });
      expect((await get(`/statements/${said.id}`)).body.speaker.slug).toBe(speakerInto.slug);
    });

    it('refuses an actor already merged, itself, or one of another kind', async () => {
      const into = await f.actor({ kind: 'state', name: 'Kept state' });
      const from = await f.actor({ kind: 'state', name: 'Merged state' });
      const other = await f.actor({ kind: 'organization', name: 'An organization' });
      expect((await post(`/actors/${from.slug}/merge`, { into: from.slug, reason: 'x' })).status).toBe(400);
      expect((await post(`/actors/${from.slug}/merge`, { into: other.slug, reason: 'x' })).status).toBe(409);
      expect((await post(`/actors/${from.slug}/merge`, { into: 'nobody-at-all', reason: 'x' })).status).toBe(422);
      expect((await post(`/actors/${from.slug}/merge`, { into: into.slug, reason: 'x' })).status).toBe(200);
      const again = await post(`/actors/${from.slug}/merge`, { into: into.slug, reason: 'x' });
      expect(again.status).toBe(409);
      expect(again.body.detail).toContain('already merged');
    });
  });

  describe('marking a proposal as a duplicate', () => {
    const slugsOf = (body: { data?: { slug: string }[]; proposals?: { slug: string }[] }) =>
      (body.data ?? body.proposals ?? []).map((row) => row.slug);

    it('leaves it out of lists and reports unless asked, keeps who, when and why, and can be undone', async () => {
      const kept = await f.proposal({ title: 'Kept proposal', tags: ['dup-mark'] });
      const dup = await f.proposal({ title: 'Proposal recorded twice', tags: ['dup-mark'] });
      // A report kept before the mark is brought up to date by it.
      expect(slugsOf((await get('/reports/progress?tag=dup-mark')).body)).toEqual([kept.slug, dup.slug].sort());

      const marked = await post(`/proposals/${dup.slug}/mark-duplicate`, { of: kept.slug, reason: 'Recorded twice' });
      expect(marked.status).toBe(200);
      expect(marked.body.duplicateOf).toEqual({
        slug: kept.slug,
        title: 'Kept proposal',
        reason: 'Recorded twice',
        markedAt: expect.any(String),
        markedBy: expect.objectContaining({ name: 'admin' }),
      });
      expect(slugsOf((await get('/proposals?tag=dup-mark')).body)).toEqual([kept.slug]);
      expect(slugsOf((await get('/proposals?tag=dup-mark&includeDuplicates=true')).body).sort()).toEqual(
        [kept.slug, dup.slug].sort(),
      );
      const report = await get('/reports/progress?tag=dup-mark');
      expect(report.headers['x-cache']).toBe('updated');
      expect(slugsOf(report.body)).toEqual([kept.slug]);
      expect(slugsOf((await get('/reports/progress?tag=dup-mark&includeDuplicates=true')).body)).toEqual(
        [kept.slug, dup.slug].sort(),
      );
      // Still there by its slug, with its history.
      expect((await get(`/proposals/${dup.slug}`)).body.duplicateOf.slug).toBe(kept.slug);
      const audit = await get(`/audit?entityType=proposal&entityId=${dup.slug}`);
      expect(audit.body.data[0]).toMatchObject({ action: 'mark-duplicate', after: { duplicateOf: kept.slug } });

      expect((await post(`/proposals/${dup.slug}/mark-duplicate`, { of: kept.slug, reason: 'x' })).status).toBe(409);
      const other = await f.proposal();
      const chained = await post(`/proposals/${other.slug}/mark-duplicate`, { of: dup.slug, reason: 'x' });
      expect(chained.status).toBe(409);
      expect(chained.body.detail).toContain(`itself a duplicate of "${kept.slug}"`);
      expect((await post(`/proposals/${kept.slug}/mark-duplicate`, { of: other.slug, reason: 'x' })).status).toBe(409);
      expect((await post(`/proposals/${other.slug}/mark-duplicate`, { of: other.slug, reason: 'x' })).status).toBe(400);

      const unmarked = await post(`/proposals/${dup.slug}/unmark-duplicate`, { reason: 'Two initiatives after all' });
      expect(unmarked.status).toBe(200);
      expect(unmarked.body.duplicateOf).toBeNull();
      expect(slugsOf((await get('/proposals?tag=dup-mark')).body).sort()).toEqual([kept.slug, dup.slug].sort());
      expect((await post(`/proposals/${dup.slug}/unmark-duplicate`, { reason: 'x' })).status).toBe(409);
    });
  });
});
