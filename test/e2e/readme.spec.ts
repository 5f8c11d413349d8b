import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN } from '../helpers/test-app.js';
import { startReceiver, until } from '../helpers/receiver.js';
import { itWith, type Service, startService } from '../helpers/service.js';
import { createTestDatabase } from '../helpers/test-database.js';

const run = promisify(execFile);
const README_HOOK = 'https://hooks.example.org/tracker';

interface Command {
  /** The command as the README shows it (continuation lines included). */
  text: string;
  /** What the README shows it answers (`# → …`), if anything. */
  shown?: string;
}

/**
 * The README's shell blocks that talk to the API (they use `$API`), in order, cut into commands:
 * a line at column 0 starts one, indented lines continue it, and `# → …` (on its own line after
 * it) is what it answers.
 */
export function readmeCommands(markdown: string): Command[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  const commands: Command[] = [];
  for (const block of blocks.filter((candidate) => candidate.includes('$API'))) {
    for (const line of block.split('\n')) {
      const shown = /^# → (.*)$/.exec(line);
      if (shown) commands[commands.length - 1].shown = shown[1];
      else if (line.trim() === '' || line.startsWith('#')) continue;
      else if (/^\s/.test(line)) commands[commands.length - 1].text += `\n${line}`;
      else commands.push({ text: line });
    }
  }
  return commands;
}

/** A shown value matches when it is a subset of the actual one; "…" in a string stands for anything. */
function expected(shown: unknown): unknown {
  if (typeof shown === 'string' && shown.includes('…')) {
    const [before, after] = shown.split('…');
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return expect.stringMatching(new RegExp(`^${escape(before)}[\\s\\S]*${escape(after)}$`));
  }
  if (Array.isArray(shown)) return shown.map(expected);
  if (typeof shown === 'object' && shown !== null) {
    return expect.objectContaining(Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, expected(v)])));
  }
  return shown;
}

describe("the README's examples, run verbatim against a started service", () => {
  let database: { url: string; drop: () => Promise<void> };
  let service: Service;
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    // The README's webhook goes to a receiver here instead (on 127.0.0.1, so let it through).
    receiver = await startReceiver();
    service = await startService(database.url, { SEED_ON_EMPTY: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' });
    // Where a newcomer runs them: beside the .data/admin-token the first start wrote.
    dir = await mkdtemp(path.join(tmpdir(), 'ppt-readme-'));
    await mkdir(path.join(dir, '.data'));
    await writeFile(path.join(dir, '.data', 'admin-token'), `${ADMIN_TOKEN}\n`);
  }, 90_000);
  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  itWith('jq')(
    'every command succeeds and answers what the README shows',
    async () => {
      const commands = readmeCommands(await readFile('README.md', 'utf8')).map(({ text, shown }) => ({
        text: text.replaceAll(README_HOOK, receiver.url),
        shown: shown?.replaceAll(README_HOOK, receiver.url),
      }));
      expect(commands.length).toBeGreaterThan(15);
      expect(commands.filter((command) => command.shown !== undefined).length).toBeGreaterThanOrEqual(5);
      // Each command runs as shown, but for the port, with curl failing on an HTTP error (while
      // still printing the problem), between markers that keep its output and exit code apart.
      const script = [
        'set -o pipefail',
        ...commands.map((command, index) =>
          [
            `echo '<<<${index}'`,
            command.text
              .replaceAll('http://localhost:3000', `http://127.0.0.1:${service.port}`)
              .replaceAll('curl -s ', 'curl -s --fail-with-body '),
            `echo "\n>>>${index} $?"`,
          ].join('\n'),
        ),
      ].join('\n');
      const { stdout } = await run('bash', ['-c', script], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });

      for (const [index, command] of commands.entries()) {
        const match = new RegExp(`<<<${index}\\n([\\s\\S]*?)\\n>>>${index} (\\d+)`).exec(stdout);
        const output = match?.[1].trim() ?? '';
        expect({ command: command.text, exit: match?.[2], output: match?.[2] === '0' ? '' : output }).toEqual({
          command: command.text,
          exit: '0',
          output: '',
        });
        if (command.shown === undefined) continue;
        const shown = command.shown;
        if (/^[[{]/.test(shown)) {
          const answer: unknown = JSON.parse(
            command.text.includes('> ') ? await readFile(path.join(dir, command.text.split('> ')[1]), 'utf8') : output,
          );
          expect({ command: command.text, answer }).toEqual({
            command: command.text,
            answer: expected(JSON.parse(shown)),
          });
        } else {
          expect({ command: command.text, output: output.replace(/\r/g, '') }).toEqual({
            command: command.text,
            output: shown,
          });
        }
      }
    },
    120_000,
  );
  it('verifies a delivery as the README shows, and refuses one altered', async () => {
    const snippet = /```js\n([\s\S]*?)```/.exec(await readFile('README.md', 'utf8'))?.[1];
    expect(snippet).toContain('standardwebhooks');
    // Beside the project's node_modules, where a reader's own code would find the package.
    const file = path.resolve(`readme-verify-${process.pid}.mjs`);
    await writeFile(file, snippet as string);
    try {
      const { verifiedChange } = (await import(file)) as {
        verifiedChange: (secret: string, body: string, headers: Record<string, string>) => { type: string };
      };
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const api = `http://127.0.0.1:${service.port}/api/v1`;
      const created = await fetch(`${api}/webhooks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: `${receiver.url}?verify`, types: ['actor.created'] }),
      });
      expect(created.status).toBe(201);
      const { secret } = (await created.json()) as { secret: string };
      const actor = await fetch(`${api}/actors`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ kind: 'state', name: 'Example: Tuvalu' }),
      });
      expect(actor.status).toBe(201);
      await until(() => receiver.received.some((delivery) => delivery.path.endsWith('?verify')));
      const delivery = receiver.received.find((received) => received.path.endsWith('?verify'));
      if (delivery === undefined) throw new Error('no delivery');
      const signed = {
        'webhook-id': delivery.id,
        'webhook-timestamp': delivery.timestamp,
        'webhook-signature': delivery.signature,
      };
      expect(verifiedChange(secret, delivery.body, signed).type).toBe('actor.created');
      expect(() => verifiedChange(secret, delivery.body.replace('Tuvalu', 'Nauru'), signed)).toThrow();
    } finally {
      await rm(file, { force: true });
    }
  });
});
