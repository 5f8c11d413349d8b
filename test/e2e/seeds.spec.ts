import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { worldDateProblem } from '../../src/common/dates/world-date.js';
import { readSeedData, SEED_USER, type SeedData, SeedingService } from '../../src/modules/seeding/seeding.service.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const TABLES = [
  'actors',
  'events',
  'event_organizers',
  'proposals',
  'proposal_actors',
  'proposal_forums',
  'proposal_relations',
  'transitions',
  'transition_sources',
  'transition_statements',
  'statements',
  'statement_proposals',
  'sources',
  'users',
];

/** The articles the seeds are curated from, kept with them. */
const ARTICLES = path.resolve('seeds/articles');

describe('seed initiatives', () => {
  let t: TestApp;
  let data: SeedData;
  const counts = async (): Promise<Record<string, number>> => {
    const entries = await Promise.all(
      TABLES.map(async (table) => {
        const rows: { count: number }[] = await t.dataSource.query(`SELECT count(*)::int AS count FROM ${table}`);
        return [table, rows[0].count] as const;
      }),
    );
    return Object.fromEntries(entries);
  };

  beforeAll(async () => {
    // SEED_ON_EMPTY loads them on the first start of an empty database.
    t = await startTestApp({ env: { SEED_ON_EMPTY: 'true' } });
    data = await readSeedData();
  });
  afterAll(async () => {
    await t.close();
  });

  it('are loaded on the first start of an empty database, and a second load changes nothing', async () => {
    const first = await counts();
    expect(first.proposals).toBe(data.proposals.length);
    expect(first.statements).toBe(data.statements.length);
    expect(first.events).toBe(data.events.length);
    expect(first.actors).toBe(data.actors.length);
    expect(first.transitions).toBe(data.proposals.reduce((n, p) => n + 1 + p.transitions.length, 0));

    const report = await t.app.get(SeedingService).load(() => undefined, data);
    expect(report.created).toEqual({ actors: 0, events: 0, proposals: 0, transitions: 0, statements: 0 });
    expect(await counts()).toEqual(first);
  });

  it('give every statement a source and every transition after the first a cited source', async () => {
    const unsourced: unknown[] = await t.dataSource.query(
      `SELECT t.id FROM transitions t
        WHERE t.seq > 1 AND NOT EXISTS (SELECT 1 FROM transition_sources ts WHERE ts.transition_id = t.id)`,
    );
    expect(unsourced).toEqual([]);
    const statements: { source_id: string | null; publisher: string | null; url: string | null }[] =
      await t.dataSource.query(
        `SELECT s.source_id, src.publisher, src.url FROM statements s LEFT JOIN sources src ON src.id = s.source_id`,
      );
    expect(statements.length).toBe(data.statements.length);
    for (const statement of statements) {
      expect(statement.source_id).not.toBeNull();
      expect(statement.publisher ?? statement.url).toBeTruthy();
    }
    const seeded: { name: string }[] = await t.dataSource.query(
      `SELECT DISTINCT u.name FROM transitions t JOIN users u ON u.id = t.recorded_by`,
    );
    expect(seeded).toEqual([{ name: SEED_USER }]);
  });

  it('serve the four initiatives of the brief, with histories, as-of status and stance counts', async () => {
    const analyst = bearer(await t.tokenFor('analyst'));
    for (const slug of [
      'greater-eurasian-partnership',
      'eurasian-charter',
      'cica-transformation',
      'sco-universal-center',
    ]) {
      const response = await t.http.get(`/api/v1/proposals/${slug}`).set(...analyst);
      expect(response.status).toBe(200);
      expect(response.body.statementCounts.total).toBeGreaterThan(0);
    }
    const cica = await t.http.get('/api/v1/proposals/cica-transformation/transitions').set(...analyst);
    expect(cica.body.data.map((row: { to: string; occurredOn: string }) => `${row.to} ${row.occurredOn}`)).toEqual([
      'proposed 2022-09',
      'drafting 2022-09',
      'implementing 2025-04-29',
    ]);
    const asOf = await t.http.get('/api/v1/proposals/cica-transformation/status?asOf=2023-01-01').set(...analyst);
    expect(asOf.body).toMatchObject({ status: 'drafting', statusSince: '2022-09' });
    const charter = await t.http.get('/api/v1/proposals/eurasian-charter').set(...analyst);
    expect(charter.body.parent.slug).toBe('eurasian-security-architecture');
    const cicaActor = await t.http.get('/api/v1/actors?q=icca').set(...analyst);
    expect(cicaActor.body.data.map((actor: { slug: string }) => actor.slug)).toEqual(['cica']);
    const search = await t.http.get('/api/v1/proposals?q=multilateral').set(...analyst);
    expect(search.body.data.map((row: { slug: string }) => row.slug)).toContain('eurasian-charter');
  });

  it('say how sure every date is, and how each date not stated was worked out', () => {
    const dates: [string, unknown][] = [
      ...Object.entries(data.sources).map(
        ([key, source]) => [`source ${key}`, source.publishedOn] as [string, unknown],
      ),
      ...data.events.flatMap((event) => [
        [`event ${String(event.slug)}`, event.startsOn] as [string, unknown],
        ...(event.endsOn === undefined ? [] : [[`event ${String(event.slug)} end`, event.endsOn] as [string, unknown]]),
      ]),
      ...data.proposals.flatMap((proposal) => [
        [`proposal ${proposal.slug}`, proposal.proposedOn] as [string, unknown],
        ...proposal.transitions.map((t) => [`${proposal.slug} → ${t.to}`, t.occurredOn] as [string, unknown]),
      ]),
      ...data.statements.map((statement) => [`statement ${statement.key}`, statement.saidOn] as [string, unknown]),
    ];
    for (const [what, date] of dates) {
      expect({ what, problem: worldDateProblem(what, date) }).toEqual({ what, problem: null });
    }
    // Every source whose dateline gives no year says so in its date's basis.
    for (const key of ['tass-borodavkin', 'belta-trofimov', 'tass-csto-report', 'auelbayev-interview']) {
      const published = data.sources[key].publishedOn as { certainty: string; basis: string };
      expect({ key, certainty: published.certainty }).toEqual({ key, certainty: 'inferred' });
      expect(published.basis).toMatch(/without a year|no year/);
    }
    // Every proposal and transition says where its date comes from.
    for (const proposal of data.proposals) {
      expect(typeof proposal.note).toBe('string');
      for (const transition of proposal.transitions) expect(transition.note).toEqual(expect.any(String));
    }
  });

  it('never print an inferred year as if the source had printed it', () => {
    const notes = [
      ...Object.values(data.sources).map((source) => source.note ?? ''),
      ...data.proposals.flatMap((proposal) => [
        String(proposal.note),
        ...proposal.transitions.map((t) => t.note ?? ''),
      ]),
      ...data.statements.map((statement) => (typeof statement.note === 'string' ? statement.note : '')),
      ...data.events.map((event) => (typeof event.description === 'string' ? event.description : '')),
    ];
    for (const dateline of [
      '29 April 2025',
      'April 29, 2025',
      '29 October 2025',
      '28 November 2024',
      '4 October 2022',
    ]) {
      expect({ dateline, notes: notes.filter((note) => note.includes(dateline)) }).toEqual({ dateline, notes: [] });
    }
  });

  it('name, for every record, the article it is drawn from', () => {
    const fileOf = (key: string): string => {
      const source = data.sources[key];
      expect({ key, known: source !== undefined }).toEqual({ key, known: true });
      expect(existsSync(path.join(ARTICLES, source.file))).toBe(true);
      return source.file;
    };
    for (const actor of data.actors) fileOf(actor.source);
    for (const event of data.events) fileOf(event.source);
    for (const statement of data.statements) fileOf(statement.source);
    for (const proposal of data.proposals) {
      expect({ slug: proposal.slug, sources: (proposal.sources ?? []).length > 0 }).toEqual({
        slug: proposal.slug,
        sources: true,
      });
      (proposal.sources ?? []).forEach(fileOf);
      for (const transition of proposal.transitions) {
        expect((transition.sources ?? []).length).toBeGreaterThan(0);
        (transition.sources ?? []).forEach(fileOf);
      }
    }
  });

  it('show what the articles support, with the certainty of each date', async () => {
    const analyst = bearer(await t.tokenFor('analyst'));
    const get = (path: string) => t.http.get(`/api/v1${path}`).set(...analyst);
    const gep = await get('/proposals/greater-eurasian-partnership');
    expect(gep.body).toMatchObject({ proposedOn: '2015', proposedOnCertainty: 'approximate' });
    expect(gep.body.proposedOnBasis).toMatch(/a decade ago/i);
    const sco = await get('/proposals/sco-universal-center');
    expect(sco.body.title).toBe('SCO center to counter challenges and threats');
    expect(sco.body.title).not.toMatch(/universal/i);
    // CICA's start of operation is not dated by the article: what it supports is "by 4 October".
    const cica = await get('/proposals/asian-peace-conference/transitions');
    expect(cica.body.data.at(-1)).toMatchObject({ to: 'implemented', occurredOnCertainty: 'not-after' });
    const interview = (await get('/sources?q=Zakon')).body.data[0];
    expect(interview.publisher).not.toBe('Zakon');
    expect(interview.note).toMatch(/names neither its publisher/);
    expect(interview.publishedOnCertainty).toBe('inferred');
    const opposing = await get('/statements?stance=opposes');
    expect(opposing.body.data).toHaveLength(1);
    expect(opposing.body.data[0].proposals).toEqual([
      expect.objectContaining({ slug: 'eurasian-security-architecture', stance: 'opposes' }),
    ]);
    const gsi = await get('/proposals/global-security-initiative');
    expect(gsi.body.related).toEqual([
      expect.objectContaining({
        slug: 'eurasian-security-architecture',
        relation: 'complements',
        direction: 'incoming',
      }),
    ]);
    const kramarenko = await get('/statements?speaker=maxim-kramarenko&q=Tokayev');
    expect(kramarenko.body.data[0].proposals.map((p: { slug: string }) => p.slug)).not.toContain('cica-transformation');
    expect(kramarenko.body.data[0].note).toMatch(/Nazarbayev/);
    const summit = await get('/statements?event=cica-summit-2022');
    expect(summit.body.data[0].proposals[0].slug).toBe('cica-transformation');
    const byIcca = await get('/proposals?q=ICCA');
    expect(byIcca.body.data.map((p: { slug: string }) => p.slug)).toEqual(
      expect.arrayContaining(['cica-transformation']),
    );
    const coAuthored = await get('/proposals/new-paradigm-of-international-security');
    expect(coAuthored.body.proposers).toEqual(
      expect.arrayContaining([expect.objectContaining({ slug: 'kazakhstan', role: 'co-proposer' })]),
    );
  });

  it('give the positions the articles support, and none they do not', async () => {
    const analyst = bearer(await t.tokenFor('analyst'));
    const get = async (path: string) => (await t.http.get(`/api/v1${path}`).set(...analyst)).body;
    type Shown = { actor: { slug: string }; proposerRole: string | null; stance: string | null };
    const on = async (slug: string): Promise<Map<string, Shown>> =>
      new Map(((await get(`/proposals/${slug}/positions`)).positions as Shown[]).map((p) => [p.actor.slug, p]));
    // Belarus proposed the Charter; Russia backs it, and its ambassador-at-large spoke for it.
    const charter = await on('eurasian-charter');
    expect(charter.get('belarus')).toMatchObject({ proposerRole: 'proposer' });
    expect(charter.get('russia')).toMatchObject({ proposerRole: 'backer', stance: 'supports' });
    // CICA's transformation: Russia through its ambassador in Astana; the KazISS expert for his
    // institute. No text names a Kazakh official on it, so Kazakhstan has no position.
    const cica = await on('cica-transformation');
    expect(cica.get('russia')).toMatchObject({ proposerRole: null, stance: 'supports' });
    expect(cica.get('kaziss')?.stance).toBe('neutral');
    expect(cica.has('kazakhstan')).toBe(false);
    const russian = await get('/statements?proposal=cica-transformation&onBehalfOf=russia');
    expect(russian.data.map((s: { speaker: { slug: string } }) => s.speaker.slug)).toEqual(['alexey-borodavkin']);
    // The Astana SCO summit article names no member state: the center has only its proposer and the analyst.
    const center = await on('sco-universal-center');
    expect([...center.keys()].sort()).toEqual(['maxim-kramarenko', 'sco']);
    // No article records a formal act (a signature, an accession): no participation is seeded.
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM participation');
    expect(count).toBe(0);
  });

  it('quote the source articles verbatim', () => {
    expect(existsSync(ARTICLES)).toBe(true);
    for (const statement of data.statements) {
      if (statement.quote === undefined) continue;
      const article = readFileSync(path.join(ARTICLES, data.sources[statement.source].file), 'utf8');
      expect({ key: statement.key, verbatim: article.includes(statement.quote) }).toEqual({
        key: statement.key,
        verbatim: true,
      });
    }
  });
});
