import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isPartialDate } from '../../src/common/dates/partial-date.js';
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
      'proposed 2022',
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

  it('date what they infer with a note saying how', () => {
    const undated = Object.entries(data.sources).filter(([, source]) => !source.dateNote);
    expect(undated).toEqual([]);
    for (const proposal of data.proposals) {
      expect(isPartialDate(proposal.proposedOn)).toBe(true);
      expect(typeof proposal.note).toBe('string');
      for (const transition of proposal.transitions) expect(transition.note).toEqual(expect.any(String));
    }
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
