import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { factories, type Factories } from '../factories/factories.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

interface Change {
  id: string;
  type: string;
  proposal: string | null;
  summary: string;
  by: { name: string } | null;
  subject: { type: string; id: string; slug?: string };
  data: Record<string, unknown>;
}

describe('the change feed', () => {
  let t: TestApp;
  let f: Factories;
  const admin = bearer(ADMIN_TOKEN);
  const get = (path: string, token = ADMIN_TOKEN) => t.http.get(`/api/v1${path}`).set(...bearer(token));

  /** Follows the feed from `after` to its end; the changes and the cursor to poll from next. */
  const follow = async (query: string, after?: string): Promise<{ changes: Change[]; cursor: string | undefined }> => {
    const changes: Change[] = [];
    let cursor = after;
    for (;;) {
      const page = await get(`/changes?limit=7${query}${cursor ? `&after=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      changes.push(...(page.body.data as Change[]));
      cursor = page.body.page.nextCursor ?? cursor;
      if (!page.body.page.hasMore) return { changes, cursor };
      expect(page.headers.link).toContain('after=');
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t.http, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await t.close();
  });

  it('records one change per write, with a readable summary and the record as its GET shows it', async () => {
    const { cursor } = await follow('');
    const belarus = await f.actor({ kind: 'state', name: 'Belarus (feed)', slug: 'belarus-feed' });
    const proposal = await f.proposal({
      title: 'Eurasian Charter (feed)',
      slug: 'charter-feed',
      proposedOn: '2024-07',
      initialStatus: 'floated',
      proposers: [{ actor: belarus.slug }],
      tags: ['feed-tag'],
    });
    const moved = await f.transition(proposal.slug, { to: 'proposed', occurredOn: '2024-09-02' });
    const speaker = await f.actor({ kind: 'person', name: 'A Speaker (feed)' });
    const said = await f.statement({
      speaker: speaker.slug,
      saidOn: '2025-10-29',
      proposals: [{ slug: proposal.slug, stance: 'supports' }],
    });
    const retracted = await t.http
      .post(`/api/v1/statements/${said.id}/retract`)
      .set(...admin)
      .send({ reason: 'Misattributed' });
    expect(retracted.status).toBe(200);

    const { changes } = await follow('', cursor);
    expect(changes.map((change) => change.type)).toEqual([
      'actor.created',
      'proposal.created',
      'transition.recorded',
      'actor.created',
      'statement.recorded',
      'statement.retracted',
    ]);
    const [, created, transition, , statement, retraction] = changes;
    expect(created).toMatchObject({
      proposal: 'charter-feed',
      by: { name: 'admin' },
      subject: { type: 'proposal', slug: 'charter-feed' },
      summary: 'Belarus (feed) floated Eurasian Charter (feed) (2024-07)',
    });
    // The record as its GET showed it then.
    expect(created.data).toEqual(proposal);
    expect(transition).toMatchObject({
      summary: 'Eurasian Charter (feed): floated → proposed on 2024-09-02',
      subject: { type: 'transition', id: moved.id },
    });
    expect(statement.summary).toBe('A Speaker (feed) supports Eurasian Charter (feed) (2025-10-29)');
    expect(retraction.summary).toMatch(/^Retracted \(Misattributed\): A Speaker \(feed\) supports/);
    expect(retraction.data).toEqual((await get(`/statements/${said.id}`)).body);
  });

  it('filters by type, proposal, actor, tag and time, and refuses bad filters and cursors', async () => {
    const of = async (query: string) => (await follow(query)).changes;
    expect((await of('&type=transition.recorded')).every((change) => change.type === 'transition.recorded')).toBe(true);
    expect((await of('&proposal=charter-feed')).map((change) => change.type)).toEqual([
      'proposal.created',
      'transition.recorded',
      'statement.recorded',
      'statement.retracted',
    ]);
    // An actor: itself, the proposals it proposes, the statements it makes.
    expect((await of('&actor=belarus-feed')).map((change) => change.type)).toEqual([
      'actor.created',
      'proposal.created',
      'transition.recorded',
      'statement.recorded',
      'statement.retracted',
    ]);
    expect((await of('&tag=feed-tag')).length).toBe(4);
    expect(await of(`&since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect((await get('/changes?type=proposal.exploded')).status).toBe(400);
    expect((await get('/changes?since=yesterday')).status).toBe(400);
    expect((await get('/changes?after=not-a-cursor')).status).toBe(400);
    const bound = (await get('/changes?limit=1&type=actor.created')).body.page.nextCursor as string;
    expect((await get(`/changes?after=${bound}`)).status).toBe(400);
  });

  it('never skips a change that commits after later ones: the cursor waits for older transactions', async () => {
    const { cursor: start } = await follow('');
    // A writer that began before the others and commits after them.
    const slow = new pg.Client({ connectionString: t.databaseUrl });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('SELECT pg_current_xact_id()');
      const first = await f.actor({ kind: 'state', name: 'Committed first' });
      const second = await f.actor({ kind: 'state', name: 'Committed second' });
      // Held back while the older transaction runs: nothing after it is handed out yet.
      const meanwhile = await follow('', start);
      expect(meanwhile.changes).toEqual([]);
      expect(meanwhile.cursor).toBe(start);
      await slow.query(
        `INSERT INTO changes (xid, type, subject_type, subject_id, summary, data)
         VALUES (pg_current_xact_id()::text::bigint, 'actor.updated', 'actor', 'slow', 'Committed last', '{}')`,
      );
      await slow.query('COMMIT');
      const after = await follow('', meanwhile.cursor);
      expect(after.changes.map((change) => change.summary)).toEqual([
        'Committed last',
        `New state: ${'Committed first'}`,
        `New state: ${'Committed second'}`,
      ]);
      expect(after.changes.map((change) => change.subject.slug ?? change.subject.id)).toEqual([
        'slow',
        first.slug,
        second.slug,
      ]);
    } finally {
      await slow.end();
    }
  });

  it('hands every change out exactly once to a reader polling while writers commit concurrently', async () => {
    const { cursor: start } = await follow('');
    const seen: Change[] = [];
    let cursor = start;
    let writing = true;
    const reader = (async () => {
      for (;;) {
        const { changes, cursor: next } = await follow('', cursor);
        seen.push(...changes);
        cursor = next;
        if (!writing && changes.length === 0) return;
      }
    })();
    // 8 writers, each its own chain of writes, interleaving their transactions.
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let i = 0; i < 12; i += 1) await f.actor({ kind: 'organization', name: `Writer ${writer} org ${i}` });
      }),
    );
    writing = false;
    await reader;
    const all = (await follow('', start)).changes;
    expect(all.length).toBe(96);
    expect(seen.map((change) => change.id)).toEqual(all.map((change) => change.id));
    expect(new Set(seen.map((change) => change.id)).size).toBe(96);
  });

  describe('watch lists', () => {
    it('follow what the caller watches, and only their own watches', async () => {
      const analyst = await t.tokenFor('analyst');
      const staff = await t.tokenFor('staff');
      const watch = (body: object, token = analyst) =>
        t.http
          .post('/api/v1/watches')
          .set(...bearer(token))
          .send(body);
      const made = await watch({ proposal: 'charter-feed' });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ targetType: 'proposal', target: 'charter-feed' });
      expect((await watch({ proposal: 'charter-feed' })).status).toBe(200);
      expect((await watch({ tag: 'other-tag' })).status).toBe(201);
      expect((await watch({ proposal: 'no-such-proposal' })).status).toBe(422);
      expect((await watch({ forum: 'belarus-feed' })).status).toBe(422);
      expect((await watch({ proposal: 'charter-feed', tag: 'x' })).status).toBe(400);
      expect((await watch({})).status).toBe(400);

      const mine = await get('/me/changes?limit=100', analyst);
      expect(mine.status).toBe(200);
      expect(new Set((mine.body.data as Change[]).map((change) => change.proposal))).toEqual(new Set(['charter-feed']));
      expect((await get('/watches', analyst)).body.data).toHaveLength(2);
      expect((await get('/watches', staff)).body.data).toEqual([]);
      expect((await get('/me/changes', staff)).body.data).toEqual([]);

      // Another user's watch is not theirs to see or delete.
      const theirs = await t.http.delete(`/api/v1/watches/${String(made.body.id)}`).set(...bearer(staff));
      expect(theirs.status).toBe(404);
      expect((await t.http.delete(`/api/v1/watches/${String(made.body.id)}`).set(...bearer(analyst))).status).toBe(204);
      expect((await get('/watches', analyst)).body.data).toHaveLength(1);
    });
  });

  describe('Atom feeds', () => {
    it('open with a feed key, show the latest changes newest first, and answer 304 to a reader up to date', async () => {
      const editor = await t.tokenFor('editor');
      expect((await t.http.get('/api/v1/feeds/changes.atom')).status).toBe(401);
      const issued = await t.http.post('/api/v1/me/feed-key').set(...bearer(editor));
      expect(issued.status).toBe(201);
      const key = issued.body.key as string;
      expect(key).toMatch(/^ppt_feed_/);
      expect(issued.body.watchesFeed).toContain(`/api/v1/feeds/watches.atom?key=${key}`);
      // A feed key is no bearer token.
      expect((await get('/proposals', key)).status).toBe(401);

      const feed = await t.http.get(`/api/v1/feeds/changes.atom?key=${key}&proposal=charter-feed`);
      expect(feed.status).toBe(200);
      expect(feed.headers['content-type']).toMatch(/^application\/atom\+xml/);
      const xml = feed.text;
      expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\s*<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
      const entries = [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((match) => match[1]);
      expect(entries).toHaveLength(4);
      expect(entries[0]).toMatch(/<title type="html"><!\[CDATA\[Retracted \(Misattributed\)/);
      expect(entries[0]).toMatch(/<id>urn:ppt:change:\d+<\/id>/);
      expect(entries[0]).toMatch(/<link href="http:\/\/127\.0\.0\.1(:\d+)?\/proposals\/charter-feed"\/>/);
      expect(entries[0]).toMatch(/<updated>\d{4}-\d{2}-\d{2}T/);
      expect(entries[0]).toMatch(/<content type="html">/);
      // The feed's links name the host it was fetched from: one listening server, one host.
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const at = request(`http://127.0.0.1:${port}`);
      const first = await at.get(`/api/v1/feeds/changes.atom?key=${key}&proposal=charter-feed`);
      const again = await at
        .get(`/api/v1/feeds/changes.atom?key=${key}&proposal=charter-feed`)
        .set('if-none-match', first.headers.etag);
      expect(again.status).toBe(304);

      await t.http
        .post('/api/v1/watches')
        .set(...bearer(editor))
        .send({ actor: 'belarus-feed' });
      const watched = await t.http.get(`/api/v1/feeds/watches.atom?key=${key}`);
      expect(watched.status).toBe(200);
      expect([...watched.text.matchAll(/<entry>/g)]).toHaveLength(5);

      // A new key voids the old one.
      await t.http.post('/api/v1/me/feed-key').set(...bearer(editor));
      expect((await t.http.get(`/api/v1/feeds/watches.atom?key=${key}`)).status).toBe(401);
      expect((await t.http.get('/api/v1/feeds/watches.atom')).status).toBe(401);
    });

    it('need no key for changes.atom with PUBLIC_READ=true', async () => {
      const open = await startTestApp({ databaseUrl: t.databaseUrl, env: { PUBLIC_READ: 'true' } });
      try {
        expect((await open.http.get('/api/v1/feeds/changes.atom')).status).toBe(200);
        expect((await open.http.get('/api/v1/feeds/watches.atom')).status).toBe(401);
      } finally {
        await open.app.close();
      }
    });
  });
});
