import { Db } from '../../src/common/database/db.js';
import { ProposalsRepository } from '../../src/modules/proposals/proposals.repository.js';
import { TransitionsRepository } from '../../src/modules/proposals/transitions.repository.js';
import { deriveState } from '../../src/modules/proposals/workflow/derive-state.js';
import { STATUSES, type Status } from '../../src/modules/proposals/workflow/statuses.js';
import { decideTransition } from '../../src/modules/proposals/workflow/workflow.js';
import { factories, type Factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('workflow over HTTP', () => {
  let t: TestApp;
  let staff: [string, string];
  let editor: [string, string];
  let analyst: [string, string];
  let fs: Factories;
  let fe: Factories;
  let replacement: string;
  beforeAll(async () => {
    t = await startTestApp();
    const staffToken = await t.tokenFor('staff');
    const editorToken = await t.tokenFor('editor');
    staff = bearer(staffToken);
    editor = bearer(editorToken);
    analyst = bearer(await t.tokenFor('analyst'));
    fs = factories(t.http, staffToken);
    fe = factories(t.http, editorToken);
    await fs.actor({ kind: 'state', name: 'Kazakhstan', slug: 'kazakhstan' });
    replacement = (
      await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], slug: 'the-replacement', proposedOn: '2000' })
    ).slug;
  });
  afterAll(async () => {
    await t.close();
  });

  // Every transition after the first cites a source (or a statement): one unless the body says.
  const transition = (slug: string, body: Record<string, unknown>, as = staff) =>
    t.http
      .post(`/api/v1/proposals/${slug}/transitions`)
      .set(...as)
      .send({ sources: [{ publisher: 'TASS' }], ...body });
  const proposal = (slug: string) => t.http.get(`/api/v1/proposals/${slug}`).set(...analyst);

  /** A proposal whose current status is `status`, created in 2020 and moved there in 2021. */
  async function proposalIn(status: Status): Promise<string> {
    const initial = status === 'floated' ? 'floated' : 'proposed';
    const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020', initialStatus: initial });
    if (status !== initial) {
      await fs.transition(p.slug, {
        to: status,
        occurredOn: '2021',
        ...(status === 'superseded' ? { supersededBy: replacement } : {}),
      });
    }
    return p.slug;
  }

  describe('the whole transition table', () => {
    const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

    it.each(pairs)('%s → %s', async (from, to) => {
      const slug = await proposalIn(from);
      const decision = decideTransition(from, to);
      const response = await transition(
        slug,
        { from, to, occurredOn: '2022', ...(to === 'superseded' ? { supersededBy: replacement } : {}) },
        editor,
      );
      if (decision.allowed) {
        expect(response.status).toBe(201);
        expect(response.body).toMatchObject({
          from,
          to,
          direction: decision.direction,
          occurredOn: '2022',
          retracted: false,
        });
        const after = await proposal(slug);
        expect(after.body).toMatchObject({ status: to, statusSince: '2022' });
      } else {
        expect(response.status).toBe(409);
        expect(response.body).toMatchObject({ type: 'urn:ppt:problem:transition_refused', currentStatus: from });
        expect((await proposal(slug)).body.status).toBe(from);
      }
    });
  });

  it('records who logged a transition and when, and its sources, deduplicated', async () => {
    const slug = await proposalIn('proposed');
    const source = { url: 'https://TASS.com/politics/1#top', publisher: 'TASS' };
    const first = await transition(slug, {
      to: 'under_discussion',
      occurredOn: '2022-03',
      note: 'Consultations began',
      sources: [source],
    });
    expect(first.status).toBe(201);
    const second = await transition(slug, {
      to: 'drafting',
      occurredOn: '2022-04',
      sources: [{ url: 'https://tass.com/politics/1/' }],
    });
    expect(second.body.sources).toEqual(first.body.sources);
    expect(first.body.sources[0]).toMatchObject({ url: 'https://TASS.com/politics/1#top', publisher: 'TASS' });
    const me = await t.http.get('/api/v1/me').set(...staff);
    expect(first.body).toMatchObject({
      note: 'Consultations began',
      recordedBy: { id: me.body.user.id, name: me.body.user.name },
    });
    expect(Date.parse(first.body.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a `from` that is not the current status with 409', async () => {
    const slug = await proposalIn('drafting');
    const response = await transition(slug, { from: 'proposed', to: 'adopted', occurredOn: '2022' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ type: 'urn:ppt:problem:status_mismatch', currentStatus: 'drafting' });
  });

  it('refuses a date earlier than the latest standing transition, comparing first days', async () => {
    const slug = await proposalIn('proposed');
    await fs.transition(slug, { to: 'under_discussion', occurredOn: '2024-05-10' });
    for (const occurredOn of ['2024-05-09', '2024-05', '2024']) {
      const response = await transition(slug, { to: 'drafting', occurredOn });
      expect({ occurredOn, status: response.status, type: response.body.type }).toEqual({
        occurredOn,
        status: 409,
        type: 'urn:ppt:problem:out_of_order',
      });
    }
    expect((await transition(slug, { to: 'drafting', occurredOn: '2024-05-10' })).status).toBe(201);
  });

  it('needs supersededBy, naming another existing proposal, to supersede', async () => {
    const slug = await proposalIn('drafting');
    const missing = await transition(slug, { to: 'superseded', occurredOn: '2022' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].field).toBe('supersededBy');
    expect((await transition(slug, { to: 'superseded', occurredOn: '2022', supersededBy: 'nope' })).status).toBe(422);
    expect((await transition(slug, { to: 'superseded', occurredOn: '2022', supersededBy: slug })).status).toBe(422);
    expect((await transition(slug, { to: 'adopted', occurredOn: '2022', supersededBy: replacement })).status).toBe(400);
    const done = await transition(slug, { to: 'superseded', occurredOn: '2022', supersededBy: replacement });
    expect(done.body.supersededBy).toEqual({ slug: replacement, title: expect.any(String) });
    expect((await proposal(slug)).body.supersededBy).toEqual({ slug: replacement, title: expect.any(String) });
  });

  it('lets only editors revive a rejected or withdrawn proposal', async () => {
    for (const closed of ['rejected', 'withdrawn'] as const) {
      const slug = await proposalIn(closed);
      const byStaff = await transition(slug, { to: 'proposed', occurredOn: '2022' });
      expect(byStaff.status).toBe(403);
      const byEditor = await transition(slug, { to: 'floated', occurredOn: '2022' }, editor);
      expect(byEditor.status).toBe(201);
      expect(byEditor.body.direction).toBe('revive');
    }
  });

  it('validates the body and the role', async () => {
    const slug = await proposalIn('proposed');
    for (const body of [
      { to: 'done', occurredOn: '2022' },
      { to: 'drafting', occurredOn: '22' },
      { to: 'drafting' },
      { to: 'drafting', occurredOn: '2022', extra: 1 },
    ]) {
      expect((await transition(slug, body)).status).toBe(400);
    }
    expect((await transition(slug, { to: 'drafting', occurredOn: '2022' }, analyst)).status).toBe(403);
    expect((await transition('no-such', { to: 'drafting', occurredOn: '2022' })).status).toBe(404);
    expect((await t.http.get('/api/v1/proposals/no-such/transitions').set(...analyst)).status).toBe(404);
  });

  describe('retraction', () => {
    const retract = (
      slug: string,
      id: string,
      body: Record<string, unknown> = { reason: 'Wrong proposal' },
      as = editor,
    ) =>
      t.http
        .post(`/api/v1/proposals/${slug}/transitions/${id}/retract`)
        .set(...as)
        .send(body);

    it('retracts the latest standing transition, restoring the status before it and keeping the row', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020' });
      const adopted = await fs.transition(p.slug, { to: 'adopted', occurredOn: '2021-05' });
      const suspended = await fs.transition(p.slug, { to: 'suspended', occurredOn: '2022-02' });

      const response = await retract(p.slug, suspended.id, { reason: 'Misread the article' });
      expect(response.status).toBe(200);
      const me = await t.http.get('/api/v1/me').set(...editor);
      expect(response.body).toMatchObject({
        id: suspended.id,
        retracted: true,
        retractionReason: 'Misread the article',
        retractedBy: { id: me.body.user.id },
        retractedAt: expect.any(String),
      });
      expect((await proposal(p.slug)).body).toMatchObject({
        status: 'adopted',
        statusSince: '2021-05',
        furthestStatus: 'adopted',
        lastActivityOn: '2021-05',
      });

      await retract(p.slug, adopted.id).expect(200);
      expect((await proposal(p.slug)).body).toMatchObject({
        status: 'proposed',
        statusSince: '2020',
        furthestStatus: 'proposed',
        lastActivityOn: '2020',
      });

      const history = await t.http.get(`/api/v1/proposals/${p.slug}/transitions`).set(...analyst);
      expect(history.body.data.map((row: { to: string; retracted: boolean }) => [row.to, row.retracted])).toEqual([
        ['proposed', false],
        ['adopted', true],
        ['suspended', true],
      ]);

      // The date order is checked against standing rows only: 2021 is after the creation.
      expect((await transition(p.slug, { to: 'drafting', occurredOn: '2021' })).status).toBe(201);
    });

    it('refuses an earlier row, the creation, a retracted row, staff, a missing reason and unknown ids', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020' });
      const first = await fs.transition(p.slug, { to: 'under_discussion', occurredOn: '2021' });
      const second = await fs.transition(p.slug, { to: 'drafting', occurredOn: '2022' });
      const history = await t.http.get(`/api/v1/proposals/${p.slug}/transitions`).set(...analyst);
      const creation = history.body.data[0].id;

      const earlier = await retract(p.slug, first.id);
      expect(earlier.status).toBe(409);
      expect(earlier.body.type).toBe('urn:ppt:problem:retraction_refused');
      expect((await retract(p.slug, second.id, { reason: 'x' }, staff)).status).toBe(403);
      expect((await retract(p.slug, second.id, {})).status).toBe(400);
      await retract(p.slug, second.id).expect(200);
      expect((await retract(p.slug, second.id)).status).toBe(409);
      await retract(p.slug, first.id).expect(200);
      const creationRefused = await retract(p.slug, creation);
      expect(creationRefused.status).toBe(409);
      expect(creationRefused.body.detail).toMatch(/creation/);
      expect((await retract(p.slug, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await retract(p.slug, 'not-a-uuid')).status).toBe(404);
      expect((await retract('no-such', creation)).status).toBe(404);
      const other = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }] });
      expect((await retract(other.slug, second.id)).status).toBe(404);
    });
  });

  describe('status as of a date', () => {
    it('rebuilds the status on any date from the standing history', async () => {
      const p = await fs.proposal({
        proposers: [{ actor: 'kazakhstan' }],
        proposedOn: '1992-10',
        initialStatus: 'floated',
      });
      await fs.transition(p.slug, { to: 'proposed', occurredOn: '1999' });
      await fs.transition(p.slug, { to: 'drafting', occurredOn: '2014-05-20' });
      const wrong = await fs.transition(p.slug, { to: 'adopted', occurredOn: '2022-10-12' });
      await t.http
        .post(`/api/v1/proposals/${p.slug}/transitions/${wrong.id}/retract`)
        .set(...editor)
        .send({ reason: 'Not yet adopted' })
        .expect(200);
      await fs.transition(p.slug, { to: 'adopted', occurredOn: '2022-10-13' });

      const cases: [string, string | null, string | null][] = [
        ['1992-09-30', null, null],
        ['1992-10-01', 'floated', '1992-10'],
        ['1998-12-31', 'floated', '1992-10'],
        ['1999-01-01', 'proposed', '1999'],
        ['2014-05-19', 'proposed', '1999'],
        ['2014-05-20', 'drafting', '2014-05-20'],
        ['2022-10-12', 'drafting', '2014-05-20'],
        ['2022-10-13', 'adopted', '2022-10-13'],
        ['2030-01-01', 'adopted', '2022-10-13'],
      ];
      for (const [asOf, status, statusSince] of cases) {
        const response = await t.http
          .get(`/api/v1/proposals/${p.slug}/status`)
          .query({ asOf })
          .set(...analyst);
        expect(response.body).toEqual({
          slug: p.slug,
          asOf,
          status,
          statusSince,
          statusSinceCertainty: status === null ? null : 'stated',
          statusSinceBasis: null,
        });
      }
      const todays = await t.http.get(`/api/v1/proposals/${p.slug}/status`).set(...analyst);
      expect(todays.body).toMatchObject({ asOf: new Date().toISOString().slice(0, 10), status: 'adopted' });
    });

    it('takes a year or a month as its last day, and refuses what is not a date, and unknown proposals', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }] });
      const year = await t.http
        .get(`/api/v1/proposals/${p.slug}/status`)
        .query({ asOf: '2024' })
        .set(...analyst);
      expect(year.body).toMatchObject({ asOf: '2024-12-31', status: 'proposed' });
      const month = await t.http
        .get(`/api/v1/proposals/${p.slug}/status`)
        .query({ asOf: '2024-02' })
        .set(...analyst);
      expect(month.body.asOf).toBe('2024-02-29');
      for (const asOf of ['2024-13', '2024-13-01', 'yesterday']) {
        expect(
          (
            await t.http
              .get(`/api/v1/proposals/${p.slug}/status`)
              .query({ asOf })
              .set(...analyst)
          ).status,
        ).toBe(400);
      }
      expect((await t.http.get('/api/v1/proposals/no-such/status').set(...analyst)).status).toBe(404);
    });
  });

  describe('what a transition answers and leaves behind', () => {
    it('audits each transition, citing or not, with the status before and after and the transition as answered', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020-03' });
      const cited = await fs.statement({ saidOn: '2024-06-02', proposals: [{ slug: p.slug, stance: 'supports' }] });
      const plain = await transition(p.slug, { to: 'drafting', occurredOn: '2021', note: 'a plain move' }).set(
        'x-request-id',
        'audited-plain',
      );
      const citing = await transition(p.slug, {
        to: 'adopted',
        occurredOn: '2024-06-01',
        sources: [{ url: 'https://example.org/audited' }],
        statementIds: [cited.id],
      }).set('x-request-id', 'audited-citing');
      expect([plain.status, citing.status]).toEqual([201, 201]);
      expect(citing.body.sources).toHaveLength(1);
      const audit = await t.http.get(`/api/v1/audit?entityType=proposal&entityId=${p.slug}`).set(...editor);
      expect(audit.status).toBe(200);
      expect(audit.body.data.filter((entry: { action: string }) => entry.action === 'transition')).toEqual([
        expect.objectContaining({
          requestId: 'audited-citing',
          user: citing.body.recordedBy,
          before: { status: 'drafting', statusSince: '2021' },
          after: { status: 'adopted', statusSince: '2024-06-01', transition: citing.body },
        }),
        expect.objectContaining({
          requestId: 'audited-plain',
          user: plain.body.recordedBy,
          before: { status: 'proposed', statusSince: '2020-03' },
          after: { status: 'drafting', statusSince: '2021', transition: plain.body },
        }),
      ]);
    });

    it('answers what the history then shows, and leaves the proposal as its history derives it', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020-03' });
      const cited = await fs.statement({ saidOn: '2024-06-02', proposals: [{ slug: p.slug, stance: 'supports' }] });
      const responses = [
        await transition(p.slug, { to: 'drafting', occurredOn: '2021', note: 'a plain move' }),
        await transition(p.slug, {
          to: 'adopted',
          occurredOn: '2024-06-01',
          from: 'drafting',
          sources: [{ url: 'https://example.org/adopted' }, { publisher: 'BelTA', title: 'Adopted' }],
          statementIds: [cited.id],
        }),
        // The same first day, written coarser: allowed, and the later date by text stays the last activity.
        await transition(p.slug, { to: 'suspended', occurredOn: '2024-06' }),
        await transition(p.slug, { to: 'superseded', occurredOn: '2025', supersededBy: replacement }),
      ];
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const history = await t.http.get(`/api/v1/proposals/${p.slug}/transitions`).set(...analyst);
      expect(history.body.data.slice(1)).toEqual(responses.map((r) => r.body));
      expect(responses[1].body.sources).toHaveLength(2);
      expect(responses[1].body.statements).toEqual([expect.objectContaining({ id: cited.id })]);
      expect(responses[3].body.supersededBy).toEqual({ slug: replacement, title: expect.any(String) });

      const row = async () =>
        (
          await t.dataSource.query(
            `SELECT status, status_since AS "statusSince", status_since_certainty AS "statusSinceCertainty",
                    status_since_basis AS "statusSinceBasis", proposed_on AS "proposedOn",
                    proposed_on_certainty AS "proposedOnCertainty", proposed_on_basis AS "proposedOnBasis",
                    furthest_status AS "furthestStatus",
                    last_from_status AS "lastFrom", last_direction AS "lastDirection", last_activity_on AS "lastActivityOn",
                    version, id
               FROM proposals WHERE slug = $1`,
            [p.slug],
          )
        )[0];
      const moved = await row();
      const standing = await new TransitionsRepository(new Db(t.dataSource)).standing(moved.id, t.dataSource.manager);
      expect(moved).toMatchObject({ ...deriveState(standing), lastActivityOn: '2025', version: 6 });
      // The full recount of the last activity gives the same.
      await new ProposalsRepository(new Db(t.dataSource)).refreshActivity([moved.id], t.dataSource.manager);
      expect((await row()).lastActivityOn).toBe('2025');
    });
  });

  describe('the history in the database', () => {
    it('keeps statements and sources: no DELETE, no TRUNCATE', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }] });
      await fs.statement({ proposals: [{ slug: p.slug, stance: 'supports' }] });
      for (const sql of [
        'DELETE FROM statements',
        'TRUNCATE statements CASCADE',
        'DELETE FROM sources',
        'TRUNCATE sources CASCADE',
      ]) {
        await expect(t.dataSource.query(sql)).rejects.toThrow(/not allowed/);
      }
    });

    it('refuses to update, delete or truncate transitions, or to retract twice', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }] });
      const row = await fe.transition(p.slug, { to: 'drafting', occurredOn: '2021' });
      const attempts = [
        `UPDATE transitions SET note = 'rewritten' WHERE id = '${row.id}'`,
        `UPDATE transitions SET to_status = 'adopted' WHERE id = '${row.id}'`,
        `DELETE FROM transitions WHERE id = '${row.id}'`,
        `TRUNCATE transitions CASCADE`,
        `DELETE FROM transition_sources`,
      ];
      for (const sql of attempts) {
        await expect(t.dataSource.query(sql)).rejects.toThrow(/not allowed/);
      }
      const editorId = (await t.http.get('/api/v1/me').set(...editor)).body.user.id;
      await t.dataSource.query(
        `UPDATE transitions SET retracted_at = now(), retracted_by = $2, retraction_reason = 'r' WHERE id = $1`,
        [row.id, editorId],
      );
      await expect(
        t.dataSource.query(`UPDATE transitions SET retraction_reason = 'changed' WHERE id = $1`, [row.id]),
      ).rejects.toThrow(/not allowed/);
    });

    it('retracts, as the API does, only the latest standing transition, and the first only with its correction', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }], proposedOn: '2020' });
      const second = await fe.transition(p.slug, { to: 'drafting', occurredOn: '2021' });
      await fe.transition(p.slug, { to: 'adopted', occurredOn: '2022' });
      const editorId = (await t.http.get('/api/v1/me').set(...editor)).body.user.id;
      const [first] = await t.dataSource.query(
        `SELECT t.id FROM transitions t JOIN proposals p ON p.id = t.proposal_id WHERE p.slug = $1 AND t.seq = 1`,
        [p.slug],
      );
      const retract = (id: string) =>
        t.dataSource.query(
          `UPDATE transitions SET retracted_at = now(), retracted_by = $2, retraction_reason = 'by hand' WHERE id = $1`,
          [id, editorId],
        );
      await expect(retract(second.id)).rejects.toThrow(/only the latest standing transition/);
      await expect(retract(first.id as string)).rejects.toThrow(/only by a correction that replaces it/);
      // The API's own corrections still hold: a redate of the first, a retraction of the latest.
      const redated = await t.http
        .post(`/api/v1/proposals/${p.slug}/redate`)
        .set(...editor)
        .send({ proposedOn: '2019', reason: 'the article says 2019' });
      expect(redated.status).toBe(200);
      const latest = (await t.http.get(`/api/v1/proposals/${p.slug}/transitions`).set(...editor)).body.data.at(-1);
      const retracted = await t.http
        .post(`/api/v1/proposals/${p.slug}/transitions/${latest.id as string}/retract`)
        .set(...editor)
        .send({ reason: 'wrong date' });
      expect(retracted.status).toBe(200);
    });

    it('keeps a retracted statement as it was, and every change to a statement or a set source field versioned', async () => {
      const p = await fs.proposal({ proposers: [{ actor: 'kazakhstan' }] });
      const made = await fs.statement({ proposals: [{ slug: p.slug, stance: 'supports' }] });
      await expect(
        t.dataSource.query(`UPDATE statements SET quote = 'rewritten' WHERE id = $1`, [made.id]),
      ).rejects.toThrow(/new version/);
      await t.dataSource.query(`UPDATE statements SET quote = 'edited', version = version + 1 WHERE id = $1`, [
        made.id,
      ]);
      const retracted = await t.http
        .post(`/api/v1/statements/${made.id}/retract`)
        .set(...editor)
        .send({ reason: 'misattributed' });
      expect(retracted.status).toBe(200);
      for (const sql of [
        `UPDATE statements SET quote = 'rewritten', version = version + 1 WHERE id = $1`,
        `UPDATE statements SET retracted_at = NULL, retracted_by = NULL, retraction_reason = NULL, version = version + 1 WHERE id = $1`,
      ]) {
        await expect(t.dataSource.query(sql, [made.id])).rejects.toThrow(/kept as it was/);
      }

      const source = made.source.id;
      await expect(
        t.dataSource.query(`UPDATE sources SET publisher = 'Someone else' WHERE id = $1`, [source]),
      ).rejects.toThrow(/new version/);
      await t.dataSource.query(`UPDATE sources SET publisher = 'Edited', version = version + 1 WHERE id = $1`, [
        source,
      ]);
      // Finding a source again may fill in what it lacked, as the API does, without a new version.
      await t.dataSource.query(`UPDATE sources SET url = 'https://example.org/filled' WHERE id = $1 AND url IS NULL`, [
        source,
      ]);
      const [row] = await t.dataSource.query(`SELECT url, version FROM sources WHERE id = $1`, [source]);
      expect(row).toEqual({ url: 'https://example.org/filled', version: 2 });
    });
  });
});
