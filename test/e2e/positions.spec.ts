import { parse } from 'csv-parse/sync';
import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Who stands where (contract §6) over HTTP: statements on behalf of a state, participation acts
 * and their retraction, positions as of dates before and after a stance change, for a proposal,
 * for an actor and as a report.
 */
describe('positions', () => {
  let t: TestApp;
  let staff: [string, string];
  let editor: [string, string];
  let analyst: [string, string];
  let f: Factories;
  const source = { publisher: 'TASS', title: 'Positions fixture' };
  beforeAll(async () => {
    t = await startTestApp();
    const staffToken = await t.tokenFor('staff');
    staff = bearer(staffToken);
    editor = bearer(await t.tokenFor('editor'));
    analyst = bearer(await t.tokenFor('analyst'));
    f = factories(t.http, staffToken);
    await f.actor({ kind: 'state', name: 'Pos Belarus', slug: 'pos-belarus' });
    await f.actor({ kind: 'state', name: 'Pos Russia', slug: 'pos-russia' });
    await f.actor({ kind: 'state', name: 'Pos Kazakhstan', slug: 'pos-kazakhstan' });
    await f.actor({ kind: 'organization', name: 'Pos Forum', slug: 'pos-forum' });
    await f.actor({ kind: 'person', name: 'Pos Ambassador', slug: 'pos-ambassador' });
    await f.actor({ kind: 'person', name: 'Pos Minister', slug: 'pos-minister' });
    await f.proposal({
      slug: 'pos-charter',
      title: 'Pos Charter',
      proposedOn: '2024-03',
      proposers: [{ actor: 'pos-belarus' }, { actor: 'pos-russia', role: 'backer' }],
      forums: ['pos-forum'],
      tags: ['pos-tag'],
    });
    await f.proposal({
      slug: 'pos-other',
      title: 'Pos Other',
      proposedOn: '2023',
      proposers: [{ actor: 'pos-russia' }],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, as = analyst) => t.http.get(`/api/v1${path}`).set(...as);
  const statement = (body: Record<string, unknown>) =>
    t.http
      .post('/api/v1/statements')
      .set(...staff)
      .send({ quote: `Words ${Math.random()}`, source, ...body });
  const act = (slug: string, body: Record<string, unknown>, as = staff) =>
    t.http
      .post(`/api/v1/proposals/${slug}/participation`)
      .set(...as)
      .send({ sources: [source], ...body });
  type Position = {
    actor: { slug: string };
    proposerRole: string | null;
    stance: string | null;
    stanceOn: string | null;
    stanceHistory: { stance: string; on: string; statement: string }[];
    statements: Record<string, number>;
    participation: { id: string; action: string; occurredOn: string; occurredOnCertainty: string } | null;
    evidence: { statements: string[]; participation: string[] };
  };
  const positions = async (query = ''): Promise<Map<string, Position>> => {
    const response = await get(`/proposals/pos-charter/positions${query}`);
    expect(response.status).toBe(200);
    return new Map((response.body.positions as Position[]).map((p) => [p.actor.slug, p]));
  };

  const ids: Record<string, string> = {};

  describe('statements on behalf of another actor', () => {
    it('records, shows and filters by onBehalfOf; refuses an unknown actor (422) and the speaker itself (400)', async () => {
      const created = await statement({
        speaker: 'pos-ambassador',
        onBehalfOf: 'pos-kazakhstan',
        saidOn: '2024-06-10',
        proposals: [{ slug: 'pos-charter', stance: 'supports' }],
      });
      expect(created.status).toBe(201);
      expect(created.body.onBehalfOf).toEqual({ slug: 'pos-kazakhstan', name: 'Pos Kazakhstan', kind: 'state' });
      ids.first = created.body.id as string;

      const listed = await get('/statements?onBehalfOf=pos-kazakhstan&proposal=pos-charter');
      expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([ids.first]);
      // The speaker filter stays the speaker's: the Kazakh voice here is a person.
      expect((await get('/statements?speaker=pos-kazakhstan')).body.data).toEqual([]);
      const timeline = await get('/proposals/pos-charter/timeline');
      const shown = timeline.body.data.find((item: { type: string; id: string }) => item.id === ids.first);
      expect(shown).toMatchObject({ type: 'statement', onBehalfOf: { slug: 'pos-kazakhstan' } });

      const unknown = await statement({
        speaker: 'pos-ambassador',
        onBehalfOf: 'pos-nobody',
        saidOn: '2024-06-10',
        proposals: [{ slug: 'pos-charter', stance: 'supports' }],
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('onBehalfOf');
      const self = await statement({
        speaker: 'pos-ambassador',
        onBehalfOf: 'pos-ambassador',
        saidOn: '2024-06-10',
        proposals: [{ slug: 'pos-charter', stance: 'supports' }],
      });
      expect(self.status).toBe(400);
      expect(JSON.stringify(self.body)).toContain('onBehalfOf');
    });

    it('edits onBehalfOf with PATCH, and clears it with null', async () => {
      const created = await statement({
        speaker: 'pos-minister',
        saidOn: '2024-01-05',
        proposals: [{ slug: 'pos-other', stance: 'neutral' }],
      });
      const patch = (body: Record<string, unknown>, version: number) =>
        t.http
          .patch(`/api/v1/statements/${created.body.id as string}`)
          .set(...staff)
          .set('if-match', `"${version}"`)
          .send(body);
      const set = await patch({ onBehalfOf: 'pos-russia' }, 1);
      expect(set.status).toBe(200);
      expect(set.body.onBehalfOf.slug).toBe('pos-russia');
      // The speaker itself, kept from before: a 400, and nothing changes.
      const self = await patch({ onBehalfOf: 'pos-minister' }, 2);
      expect(self.status).toBe(400);
      expect(JSON.stringify(self.body)).toContain('onBehalfOf');
      const cleared = await patch({ onBehalfOf: null }, 2);
      expect(cleared.status).toBe(200);
      expect(cleared.body.onBehalfOf).toBeNull();
    });
  });

  describe('participation acts', () => {
    it('records an act with its sources and date certainty; staff may, analysts may not', async () => {
      const refused = await act(
        'pos-charter',
        { actor: 'pos-russia', action: 'endorsed', occurredOn: '2024-07' },
        analyst,
      );
      expect(refused.status).toBe(403);
      const created = await act('pos-charter', {
        actor: 'pos-russia',
        action: 'endorsed',
        occurredOn: { value: '2024-07', certainty: 'inferred', basis: 'dateline without a year' },
        note: 'at the summit',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        proposal: 'pos-charter',
        actor: { slug: 'pos-russia', kind: 'state' },
        action: 'endorsed',
        occurredOn: '2024-07',
        occurredOnCertainty: 'inferred',
        occurredOnBasis: 'dateline without a year',
        retracted: false,
      });
      expect(created.body.sources).toHaveLength(1);
      ids.endorsed = created.body.id as string;
      const cited = await get(`/sources/${created.body.sources[0].id as string}`);
      expect(cited.body.citations.map((c: { type: string; id: string }) => [c.type, c.id])).toContainEqual([
        'participation',
        ids.endorsed,
      ]);
    });

    it('refuses an act without a source (400), an unknown actor (422 naming it) or action, and an unknown proposal (404)', async () => {
      const noSource = await t.http
        .post('/api/v1/proposals/pos-charter/participation')
        .set(...staff)
        .send({ actor: 'pos-russia', action: 'signed', occurredOn: '2024-08' });
      expect(noSource.status).toBe(400);
      expect(JSON.stringify(noSource.body)).toContain('sources');
      const empty = await act('pos-charter', {
        actor: 'pos-russia',
        action: 'signed',
        occurredOn: '2024-08',
        sources: [],
      });
      expect(empty.status).toBe(400);
      const unknownActor = await act('pos-charter', { actor: 'pos-nobody', action: 'signed', occurredOn: '2024-08' });
      expect(unknownActor.status).toBe(422);
      expect(unknownActor.body.errors[0].field).toBe('actor');
      const badAction = await act('pos-charter', { actor: 'pos-russia', action: 'annexed', occurredOn: '2024-08' });
      expect(badAction.status).toBe(400);
      const badDate = await act('pos-charter', { actor: 'pos-russia', action: 'signed', occurredOn: '2024-13' });
      expect(badDate.status).toBe(400);
      const unknownProposal = await act('pos-nothing', {
        actor: 'pos-russia',
        action: 'signed',
        occurredOn: '2024-08',
      });
      expect(unknownProposal.status).toBe(404);
    });

    it('retracts by an editor only, keeping the act flagged; the database keeps acts append-only', async () => {
      const signed = await act('pos-charter', { actor: 'pos-kazakhstan', action: 'signed', occurredOn: '2024-09-01' });
      ids.signed = signed.body.id as string;
      const retract = (as: [string, string]) =>
        t.http
          .post(`/api/v1/proposals/pos-charter/participation/${ids.signed}/retract`)
          .set(...as)
          .send({ reason: 'misread the communiqué' });
      expect((await retract(staff)).status).toBe(403);
      const done = await retract(editor);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ retracted: true, retractionReason: 'misread the communiqué' });
      expect((await retract(editor)).status).toBe(409);
      const list = await get('/proposals/pos-charter/participation');
      expect(list.body.data.map((a: { id: string; retracted: boolean }) => [a.id, a.retracted])).toEqual([
        [ids.endorsed, false],
        [ids.signed, true],
      ]);
      await expect(t.dataSource.query(`DELETE FROM participation WHERE id = $1`, [ids.signed])).rejects.toThrow(
        /append-only/,
      );
      await expect(
        t.dataSource.query(`UPDATE participation SET action = 'ratified' WHERE id = $1`, [ids.endorsed]),
      ).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`TRUNCATE participation_sources`)).rejects.toThrow(/not allowed/);
    });
  });

  describe('positions', () => {
    beforeAll(async () => {
      // Russia: its minister supports, then its ambassador (for Russia) opposes, then supports again.
      for (const [saidOn, stance, speaker] of [
        ['2024-05-01', 'supports', 'pos-minister'],
        ['2024-10-01', 'opposes', 'pos-ambassador'],
        ['2025-02-01', 'supports', 'pos-ambassador'],
      ] as const) {
        const created = await statement({
          speaker,
          onBehalfOf: 'pos-russia',
          saidOn,
          proposals: [{ slug: 'pos-charter', stance }],
        });
        expect(created.status).toBe(201);
        ids[`russia-${saidOn}`] = created.body.id as string;
      }
    });

    it('shows proposers first, each actor’s stance since its latest change, and counts statements on its behalf', async () => {
      const response = await get('/proposals/pos-charter/positions?asOf=2025-06-30');
      expect(response.body.slug).toBe('pos-charter');
      expect(response.body.asOf).toBe('2025-06-30');
      const order = (response.body.positions as Position[]).map((p) => p.actor.slug);
      expect(order.slice(0, 2)).toEqual(['pos-belarus', 'pos-russia']);
      const all = await positions('?asOf=2025-06-30');
      expect(all.get('pos-belarus')).toMatchObject({
        proposerRole: 'proposer',
        stance: null,
        stanceOn: null,
        stanceHistory: [],
        statements: { supports: 0, opposes: 0, neutral: 0, total: 0 },
        participation: null,
      });
      const russia = all.get('pos-russia') as Position;
      expect(russia.proposerRole).toBe('backer');
      expect(russia.stance).toBe('supports');
      expect(russia.stanceOn).toBe('2025-02-01');
      expect(russia.stanceHistory.map((c) => [c.stance, c.on])).toEqual([
        ['supports', '2024-05-01'],
        ['opposes', '2024-10-01'],
        ['supports', '2025-02-01'],
      ]);
      expect(russia.statements).toEqual({ supports: 2, opposes: 1, neutral: 0, total: 3 });
      expect(russia.participation).toMatchObject({
        id: ids.endorsed,
        action: 'endorsed',
        occurredOnCertainty: 'inferred',
      });
      expect(russia.evidence).toEqual({
        statements: [ids['russia-2024-05-01'], ids['russia-2024-10-01'], ids['russia-2025-02-01']],
        participation: [ids.endorsed],
      });
      // The people speak for themselves too; Kazakhstan through its ambassador.
      expect(all.get('pos-ambassador')?.stance).toBe('supports');
      expect(all.get('pos-kazakhstan')).toMatchObject({
        stance: 'supports',
        stanceOn: '2024-06-10',
        proposerRole: null,
      });
      // A retracted act does not count.
      expect(all.get('pos-kazakhstan')?.participation).toBeNull();
      expect(all.get('pos-kazakhstan')?.evidence.participation).toEqual([]);
    });

    it('moves with asOf: before and after a stance change, and before an act', async () => {
      const before = (await positions('?asOf=2024-09-30')).get('pos-russia') as Position;
      expect(before.stance).toBe('supports');
      expect(before.participation?.action).toBe('endorsed');
      const during = (await positions('?asOf=2024-12')).get('pos-russia') as Position;
      expect(during).toMatchObject({ stance: 'opposes', stanceOn: '2024-10-01' });
      expect(during.statements.total).toBe(2);
      const early = (await positions('?asOf=2024-06-01')).get('pos-russia') as Position;
      expect(early.participation).toBeNull();
      expect(early.stanceHistory).toHaveLength(1);
      // Before the proposal was recorded: a 404, as for GET /proposals/{slug}?asOf=.
      expect((await get('/proposals/pos-charter/positions?asOf=2023-12-31')).status).toBe(404);
    });

    it('a retracted statement no longer decides a stance', async () => {
      const latest = ids['russia-2025-02-01'];
      const retract = await t.http
        .post(`/api/v1/statements/${latest}/retract`)
        .set(...editor)
        .send({ reason: 'duplicate of the TASS report' });
      expect(retract.status).toBe(200);
      const russia = (await positions('?asOf=2025-06-30')).get('pos-russia') as Position;
      expect(russia).toMatchObject({ stance: 'opposes', stanceOn: '2024-10-01' });
      expect(russia.evidence.statements).not.toContain(latest);
    });

    it('shows the summary on GET /proposals/{slug} and the actor counts on the progress report', async () => {
      const all = await positions('?asOf=2025-06-30');
      const count = (stance: string) => [...all.values()].filter((p) => p.stance === stance).length;
      const proposal = await get('/proposals/pos-charter?asOf=2025-06-30');
      expect(proposal.body.positions).toEqual({
        supports: count('supports'),
        opposes: count('opposes'),
        neutral: count('neutral'),
      });
      expect(proposal.body.positions).toEqual({ supports: 2, opposes: 2, neutral: 0 });
      const report = await get('/reports/progress?asOf=2025-06-30&forum=pos-forum');
      expect(report.body.proposals).toHaveLength(1);
      expect(report.body.proposals[0]).toMatchObject({ slug: 'pos-charter', supportingActors: 2, opposingActors: 2 });
      // Lists stay lean: the summary is on the single proposal only.
      const listed = await get('/proposals?tag=pos-tag');
      expect(listed.body.data[0].positions).toBeUndefined();
    });

    it('gives an actor’s positions across proposals, each with its status as of the date', async () => {
      const response = await get('/actors/pos-russia/positions?asOf=2025-06-30');
      expect(response.status).toBe(200);
      expect(response.body.actor).toEqual({ slug: 'pos-russia', name: 'Pos Russia', kind: 'state' });
      const bySlug = new Map(
        (response.body.positions as (Position & { proposal: { slug: string; status: string } })[]).map((p) => [
          p.proposal.slug,
          p,
        ]),
      );
      expect([...bySlug.keys()]).toEqual(['pos-charter', 'pos-other']);
      expect(bySlug.get('pos-other')).toMatchObject({ proposerRole: 'proposer', stance: null });
      const onProposal = (await positions('?asOf=2025-06-30')).get('pos-russia');
      const { proposal, ...rest } = bySlug.get('pos-charter') as Position & { proposal: { status: string } };
      expect(proposal.status).toBe('proposed');
      expect({ ...rest, actor: onProposal?.actor }).toEqual(onProposal);
      expect((await get('/actors/pos-nobody/positions')).status).toBe(404);
      // Each proposal shows the status it stood at on asOf, before and after a later transition.
      await f.transition('pos-other', { to: 'under_discussion', occurredOn: '2025-01-10' });
      const statusOn = async (asOf: string) =>
        (
          (await get(`/actors/pos-russia/positions?asOf=${asOf}`)).body.positions as {
            proposal: { slug: string; status: string };
          }[]
        ).find((p) => p.proposal.slug === 'pos-other')?.proposal.status;
      expect(await statusOn('2024-12-31')).toBe('proposed');
      expect(await statusOn('2025-01-10')).toBe('under_discussion');
    });

    it('reports every position as JSON and as CSV that parses back to the same rows, with filters', async () => {
      const json = await get('/reports/positions?asOf=2025-06-30&tag=pos-tag');
      expect(json.status).toBe(200);
      expect(json.body.asOf).toBe('2025-06-30');
      const rows = json.body.rows as (Position & {
        proposal: { slug: string; status: string };
        actor: { slug: string; name: string; kind: string };
      })[];
      const onProposal = await positions('?asOf=2025-06-30');
      expect(rows.map((row) => row.actor.slug)).toEqual(
        [...onProposal.keys()].sort((a, b) => {
          const rank = (slug: string) =>
            ['proposer', 'co-proposer', 'backer'].indexOf(onProposal.get(slug)?.proposerRole ?? '') >>> 0;
          return rank(a) - rank(b) || (a < b ? -1 : 1);
        }),
      );
      for (const row of rows) {
        const { proposal, ...position } = row;
        expect(proposal).toEqual({ slug: 'pos-charter', title: 'Pos Charter', status: 'proposed' });
        expect(position).toEqual(onProposal.get(row.actor.slug));
      }
      const csv = await get('/reports/positions?asOf=2025-06-30&tag=pos-tag&format=csv');
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="positions-report-2025-06-30.csv"');
      const records = parse<Record<string, string>>(csv.text, { columns: true });
      expect(records.map((r) => r.actor)).toEqual(rows.map((row) => row.actor.slug));
      const russia = records.find((r) => r.actor === 'pos-russia') as Record<string, string>;
      const russiaJson = rows.find((row) => row.actor.slug === 'pos-russia') as Position;
      expect(russia).toMatchObject({
        proposal: 'pos-charter',
        proposerRole: 'backer',
        stance: russiaJson.stance as string,
        stanceOn: russiaJson.stanceOn as string,
        stanceChanges: String(russiaJson.stanceHistory.length),
        supports: String(russiaJson.statements.supports),
        total: String(russiaJson.statements.total),
        participation: 'endorsed',
        participationOnCertainty: 'inferred',
        evidenceStatements: russiaJson.evidence.statements.join(' '),
        evidenceParticipation: russiaJson.evidence.participation.join(' '),
      });
      const accept = await t.http
        .get('/api/v1/reports/positions?asOf=2025-06-30&tag=pos-tag')
        .set(...analyst)
        .set('accept', 'text/csv');
      expect(accept.text).toBe(csv.text);

      const states = await get('/reports/positions?asOf=2025-06-30&forum=pos-forum&actorKind=state');
      expect(states.body.rows.map((row: { actor: { kind: string } }) => row.actor.kind)).toEqual([
        'state',
        'state',
        'state',
      ]);
      const one = await get('/reports/positions?asOf=2025-06-30&proposal=pos-other');
      expect(one.body.rows.map((row: { actor: { slug: string } }) => row.actor.slug)).toEqual([
        'pos-russia',
        'pos-minister',
      ]);
      // Before either proposal was recorded: no rows.
      expect((await get('/reports/positions?asOf=2022&proposal=pos-other')).body.rows).toEqual([]);
    });

    it('refuses unknown filters and bad dates with a problem naming the field', async () => {
      const unknown = await get('/reports/positions?proposal=pos-nothing');
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('proposal');
      expect((await get('/reports/positions?forum=pos-nothing')).body.errors[0].field).toBe('forum');
      expect((await get('/reports/positions?actorKind=planet')).status).toBe(400);
      expect((await get('/reports/positions?asOf=2024-02-30')).status).toBe(400);
      expect((await get('/reports/positions?stance=supports')).status).toBe(400);
      expect((await get('/proposals/pos-charter/positions?asOf=yesterday')).status).toBe(400);
    });
  });
});
