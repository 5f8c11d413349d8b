import type { Browser } from 'playwright-core';
import { itWith, launchChromium, OFFICE_HOST, type Service, startService } from '../helpers/service.js';
import { createTestDatabase } from '../helpers/test-database.js';

const browserTest = itWith('chromium');

describe('the Swagger UI at /docs, in a real browser', () => {
  let database: { url: string; drop: () => Promise<void> };
  let service: Service;
  let browser: Browser | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startService(database.url);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await database?.drop();
  });

  browserTest(
    `renders every operation on a host that is not localhost (${OFFICE_HOST}), over plain HTTP`,
    async () => {
      browser = await launchChromium();
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      page.on('requestfailed', (request) =>
        problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
      );
      const loaded: string[] = [];
      page.on('response', (response) => loaded.push(response.url()));

      const answer = await page.goto(`${service.url}/docs`);
      expect(answer?.status()).toBe(200);
      expect(answer?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
      await page.waitForSelector('.opblock', { timeout: 30_000 });

      const openapi = (await (await fetch(`http://127.0.0.1:${service.port}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.values(openapi.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
      // Every tag's section starts open: each operation is a block on the page.
      await page.waitForFunction(`document.querySelectorAll('.opblock').length === ${operations}`);
      expect(await page.locator('.opblock').count()).toBe(operations);
      expect(await page.locator('.info .title').innerText()).toContain('Policy-proposal tracker');

      expect(problems).toEqual([]);
      // Its styles and scripts came over http from the same host, none upgraded to https.
      const assets = loaded.filter((url) => /\.(css|js)(\?|$)/.test(url));
      expect(assets.length).toBeGreaterThanOrEqual(3);
      for (const url of assets) expect(url.startsWith(`http://${OFFICE_HOST}:${service.port}/`)).toBe(true);
    },
    90_000,
  );
});
