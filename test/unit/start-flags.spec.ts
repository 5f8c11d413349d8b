import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Every way the service is started runs Node the same way (the bench uses `npm start`'s). */
describe('the way the service is started', () => {
  it('is the same Node command for npm start, npm run start:prod and the container', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const nodeCommand = (script: string): string => /(?:^|&& )(node [^&]+)$/.exec(script)?.[1].trim() ?? '';
    const command = nodeCommand(scripts.start);
    expect(command).toMatch(/^node .*dist\/src\/main\.js$/);
    expect(nodeCommand(scripts['start:prod'])).toBe(command);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect((JSON.parse(cmd ?? '[]') as string[]).join(' ')).toBe(command);
  });

  it('builds only what changed before starting: an unchanged build is left as it is', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const build = /^(tsc -b \S+) && /.exec(scripts.start)?.[1];
    expect(build).toBeDefined();
    const args = (build ?? '').split(' ').slice(1);
    // `npm test` has just built the tree (pretest): a start now compiles nothing.
    const output = execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', ...args, '--verbose'], {
      encoding: 'utf8',
    });
    expect(output).toMatch(/is up to date/);
    expect(output).not.toMatch(/Building project/);
  });
});
