import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { itWith, launchChromium, type Service, startService } from '../helpers/service.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { ADMIN_TOKEN } from '../helpers/test-app.js';

const browserTest = itWith('chromium');

/** Screenshots of each page, for a person to look at (kept out of the repository). */
const SCREENSHOTS = path.join(os.tmpdir(), 'ppt-web-screenshots');

type Json = Record<string, unknown> & { data?: Record<string, unknown>[] };

describe('the web app, in a real browser', () => {
  let database: { url: string; drop: () => Promise<void> };
  let service: Service;
  let browser: Browser | undefined;
  const tokens: Record<string, string> = { admin: ADMIN_TOKEN };

  /** The JSON API, as `role`. */
  async function api(route: string, role = 'admin', init: RequestInit = {}): Promise<Json> {
    const answer = await fetch(`http://127.0.0.1:${service.port}/api/v1${route}`, {
      ...init,
      headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json', ...init.headers },
    });
    return (await answer.json()) as Json;
  }

  async function signedIn(role: string, width = 1200): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${service.url}/login`);
    await page.fill('#token', tokens[role]);
    await page.click('button[type=submit]');
    await page.waitForURL(`${service.url}/`);
    return page;
  }

  /** Serious and critical accessibility violations on the page as axe-core finds them. */
  async function violations(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: axe.source });
    const found = await page.evaluate<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>(
      `axe.run(document)`,
    );
    return found.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    service = await startService(database.url, { SEED_ON_EMPTY: 'true' });
    for (const role of ['analyst', 'staff', 'editor']) {
      const created = await api('/users', 'admin', {
        method: 'POST',
        body: JSON.stringify({ name: `an-${role}`, role }),
      });
      if (typeof created.token !== 'string') throw new Error(`no token: ${JSON.stringify(created)}`);
      tokens[role] = created.token;
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await database?.drop();
  });

  browserTest(
    'signs in with a token, refuses a wrong one, and signs out',
    async () => {
      browser ??= await launchChromium();
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${service.url}/`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#token', 'ppt_not_a_token_of_anyone_here');
      await page.click('button[type=submit]');
      expect(await page.locator('#token-error').innerText()).toContain('not valid');
      await page.fill('#token', tokens.analyst);
      await page.click('button[type=submit]');
      await page.waitForURL(`${service.url}/`);
      expect(await page.locator('.who').innerText()).toContain('an-analyst (analyst)');
      const cookie = (await context.cookies()).find((c) => c.name === 'ppt_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      // An analyst may not log developments: the page says so, as the API would.
      expect(await page.locator('a[href="/log"]').count()).toBe(0);
      const refused = await page.goto(`${service.url}/log`);
      expect(refused?.status()).toBe(403);
      await page.goto(`${service.url}/`);
      await page.click('text=Sign out');
      await page.waitForURL(/\/login$/);
      await page.goto(`${service.url}/changes`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await context.close();
    },
    90_000,
  );

  browserTest(
    'shows the board, a proposal, progress and changes as the API answers them',
    async () => {
      browser ??= await launchChromium();
      const page = await signedIn('analyst');
      const list = await api('/proposals?limit=50', 'analyst');
      const titles = await page.locator('tbody tr td:first-child a').allInnerTexts();
      expect(titles).toEqual(list.data!.map((p) => p.title));
      const report = await api('/reports/progress', 'analyst');
      const totals = report.totals as Record<string, number>;
      for (const momentum of ['advancing', 'active', 'stalled', 'concluded']) {
        expect(await page.locator(`.totals .m-${momentum} strong`).innerText()).toBe(String(totals[momentum]));
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, 'board.png'), fullPage: true });

      // A filter narrows the board as the same filter narrows the list.
      await page.goto(`${service.url}/?status=drafting&status=proposed`);
      const filtered = await api('/proposals?limit=50&status=drafting&status=proposed', 'analyst');
      expect(await page.locator('tbody tr td:first-child a').allInnerTexts()).toEqual(
        filtered.data!.map((p) => p.title),
      );

      const slug = 'eurasian-charter';
      const proposal = await api(`/proposals/${slug}`, 'analyst');
      const timeline = await api(`/proposals/${slug}/timeline?includeRetracted=true`, 'analyst');
      const positions = await api(`/proposals/${slug}/positions`, 'analyst');
      await page.goto(`${service.url}/proposals/${slug}?asOf=2020-01-01`);
      expect(await page.locator('h1').innerText()).toBe(proposal.title);
      expect(await page.locator('.status strong').innerText()).toBe(String(proposal.status).replace(/_/g, ' '));
      expect(await page.locator('ol.timeline > li').count()).toBe(timeline.data!.length);
      const actors = await page.locator('#positions ~ div tbody tr td:first-child').allInnerTexts();
      expect(actors).toEqual((positions.positions as { actor: { name: string } }[]).map((p) => p.actor.name));
      const asOf = await api(`/proposals/${slug}/status?asOf=2020-01-01`, 'analyst');
      expect(asOf.status).toBeNull();
      expect(await page.locator('#status-as-of').innerText()).toContain('not yet proposed');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'proposal.png'), fullPage: true });

      await page.goto(`${service.url}/reports/progress`);
      expect(await page.locator('.totals .m-stalled strong').innerText()).toBe(String(totals.stalled));
      expect(await page.locator('svg.chart polyline').count()).toBe(2);
      expect(await page.locator('details table tbody tr').count()).toBe(36);
      // Each point is that month-end's report: the last one today's, an earlier one its own date's.
      const cells = async (row: number) =>
        page.locator(`details table tbody tr:nth-child(${row}) td`).allTextContents();
      expect((await cells(36)).slice(1)).toEqual([String(totals.advancing), String(totals.stalled)]);
      const [month] = await cells(30);
      const [y, m] = month.split('-').map(Number);
      const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
      const then = (await api(`/reports/progress?asOf=${monthEnd}`, 'analyst')).totals as Record<string, number>;
      expect((await cells(30)).slice(1)).toEqual([String(then.advancing), String(then.stalled)]);
      const csv = await page.locator('text=Download CSV').getAttribute('href');
      expect(csv).toContain('format=csv');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'progress.png'), fullPage: true });

      await page.goto(`${service.url}/changes`);
      const changes = await api('/changes?limit=50', 'analyst');
      expect(await page.locator('ol.changes > li').count()).toBe(changes.data!.length);
      await page.context().close();
    },
    120_000,
  );

  browserTest(
    'logs a development in one form, all or nothing, with the API’s messages beside the fields',
    async () => {
      browser ??= await launchChromium();
      const page = await signedIn('staff');
      const slug = 'cica-transformation';
      const before = await api(`/proposals/${slug}/timeline`, 'staff');

      // Invalid: an unknown speaker and an impossible date. Nothing is written.
      await page.goto(`${service.url}/log`);
      await page.fill('#source-url', 'https://example.org/log-form');
      await page.fill('#s0-speaker', 'Nobody Anyone Knows');
      await page.fill('#s0-saidOn', '2025-02-30');
      await page.fill('#s0-quote', 'Words');
      await page.fill('#s0-proposal', slug);
      await page.click('button:has-text("Log it")');
      expect(await page.locator('#s0-speaker-error').innerText()).toContain('No actor is called');
      expect(await page.locator('#s0-saidOn-error').innerText()).toContain('real calendar date');
      expect(await page.locator('#s0-quote').inputValue()).toBe('Words');
      expect((await api(`/proposals/${slug}/timeline`, 'staff')).data).toHaveLength(before.data!.length);

      // Valid in its fields, but the transition is refused by the workflow (to the status it is in):
      // still nothing is written.
      const status = String((await api(`/proposals/${slug}`, 'staff')).status);
      await page.fill('#s0-speaker', 'Kazakhstan');
      await page.fill('#s0-saidOn', '2025-11-20');
      await page.selectOption('#t-to', status);
      await page.fill('#t-proposal', slug);
      await page.fill('#t-occurredOn', '2025-11-20');
      await page.click('button:has-text("Log it")');
      expect(await page.locator('p.error').first().innerText()).toContain('Nothing was written');
      expect((await api(`/proposals/${slug}/timeline`, 'staff')).data).toHaveLength(before.data!.length);

      // Valid: a statement whose quote holds markup, and a transition citing it.
      const next = status === 'drafting' ? 'under_discussion' : 'drafting';
      const quote = `<script>window.__injected = 1</script><img src=x onerror="window.__injected = 2"> said in ${next}`;
      await page.fill('#s0-quote', quote);
      await page.selectOption('#t-to', next);
      let dialogs = 0;
      page.on('dialog', (dialog) => {
        dialogs += 1;
        void dialog.dismiss();
      });
      await page.click('button:has-text("Log it")');
      await page.waitForURL(new RegExp(`/proposals/${slug}\\?logged=1$`));
      const after = await api(`/proposals/${slug}/timeline`, 'staff');
      expect(after.data).toHaveLength(before.data!.length + 2);
      expect((await api(`/proposals/${slug}`, 'staff')).status).toBe(next);
      // The markup is shown as text and never run.
      expect(await page.locator('ol.timeline q', { hasText: 'window.__injected' }).innerText()).toBe(quote);
      expect(await page.evaluate('window.__injected')).toBeUndefined();
      expect(await page.locator('ol.timeline img').count()).toBe(0);
      expect(dialogs).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'logged.png'), fullPage: true });
      await page.context().close();
    },
    120_000,
  );

  browserTest(
    'refuses a form posted from another site, and one without its CSRF token',
    async () => {
      browser ??= await launchChromium();
      const page = await signedIn('editor');
      const before = (await api('/changes?limit=100', 'editor')).data!.length;
      // Another site's page posting to the tracker: the session cookie (SameSite=Strict) stays home.
      await page.route('http://elsewhere.test/', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<form method="post" action="${service.url}/proposals/eurasian-charter/assessments">
          <input name="momentum" value="stalled"><input name="reason" value="forged"></form>
          <script>document.forms[0].submit()</script>`,
        }),
      );
      await page.goto('http://elsewhere.test/');
      await page.waitForURL(/\/login$/);
      // Refused and sent to sign in; the session is still there for the tracker's own pages.
      await page.goto(`${service.url}/`);
      expect(await page.locator('.who').innerText()).toContain('an-editor');
      // The same browser, signed in, posting without the form's token.
      const posted = await page.evaluate(async (url) => {
        const answer = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'momentum=stalled&reason=forged',
          redirect: 'manual',
        });
        return answer.status;
      }, `${service.url}/proposals/eurasian-charter/assessments`);
      expect(posted).toBe(403);
      expect((await api('/changes?limit=100', 'editor')).data).toHaveLength(before);
      await page.context().close();
    },
    90_000,
  );

  browserTest(
    'lets an editor retract a transition, assess momentum and correct the creation, each with a reason',
    async () => {
      browser ??= await launchChromium();
      const page = await signedIn('editor');
      const slug = 'cica-transformation';
      await page.goto(`${service.url}/proposals/${slug}`);
      await page.selectOption('#a-momentum', 'active');
      await page.fill('#a-reason', 'Talks resumed, per the ministry');
      await page.click('button:has-text("Record the assessment")');
      await page.waitForURL(`${service.url}/proposals/${slug}`);
      expect(await page.locator('.assessment').innerText()).toContain('Talks resumed, per the ministry');
      expect(((await api(`/proposals/${slug}`, 'editor')).assessment as { reason: string }).reason).toBe(
        'Talks resumed, per the ministry',
      );

      const standing = (await api(`/proposals/${slug}/transitions`, 'editor')).data!.filter((t) => !t.retracted);
      const last = standing[standing.length - 1];
      expect(Number(last.seq)).toBeGreaterThan(1);
      await page.click('ol.timeline details.action >> nth=-1');
      await page.locator('ol.timeline details.action[open] input[name=reason]').fill('Misread the source');
      await page.click('ol.timeline details.action[open] button');
      await page.waitForURL(`${service.url}/proposals/${slug}`);
      const history = (await api(`/proposals/${slug}/transitions`, 'editor')).data!;
      expect(history.find((t) => t.id === last.id)).toMatchObject({
        retracted: true,
        retractionReason: 'Misread the source',
      });
      expect(await page.locator('ol.timeline li.retracted .why', { hasText: 'Misread the source' }).count()).toBe(1);

      // A wrong creation date, corrected: the old first transition retracted, a new one standing.
      await page.fill('#r-proposedOn', '2022-08');
      await page.fill('#r-reason', 'The interview dates the start to August');
      await page.click('button:has-text("Correct the creation")');
      await page.waitForURL(`${service.url}/proposals/${slug}`);
      expect((await api(`/proposals/${slug}`, 'editor')).proposedOn).toBe('2022-08');
      const firsts = (await api(`/proposals/${slug}/transitions`, 'editor')).data!.filter((t) => t.from === null);
      // Both stay in the history (ordered by date: the corrected one first).
      expect(firsts.map((t) => [t.occurredOn, t.retracted])).toEqual([
        ['2022-08', false],
        ['2022-09', true],
      ]);
      await page.context().close();
    },
    90_000,
  );

  browserTest(
    'has no serious accessibility violation on any page, and fits 360 px',
    async () => {
      browser ??= await launchChromium();
      const page = await signedIn('editor', 360);
      const pages = ['/', '/proposals/eurasian-charter', '/log', '/reports/progress', '/changes', '/?asOf=bad'];
      const found: Record<string, string[]> = {};
      const overflow: Record<string, number> = {};
      for (const route of pages) {
        await page.goto(`${service.url}${route}`);
        found[route] = await violations(page);
        overflow[route] = Number(await page.evaluate('document.documentElement.scrollWidth'));
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, 'narrow-board.png'), fullPage: true });
      await page.context().close();
      const anonymous = await browser.newPage();
      await anonymous.goto(`${service.url}/login`);
      found['/login'] = await violations(anonymous);
      await anonymous.close();
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((route) => [route, []])));
      expect(overflow).toEqual(Object.fromEntries(pages.map((route) => [route, 360])));
    },
    120_000,
  );
});
