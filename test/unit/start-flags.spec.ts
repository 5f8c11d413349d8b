import { readFileSync } from 'node:fs';

/** Every way the service is started runs Node with the same flags (the bench uses `npm start`'s). */
describe('the flags the service is started with', () => {
  it('are the same for npm start, npm run start:prod and the container', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const flagsOf = (command: string) => command.split(/\s+/).filter((word) => word.startsWith('--'));
    const flags = flagsOf(scripts.start);
    expect(flags).toContain('--max-semi-space-size=16');
    expect(flags).toContain('--heap-growing-percent=100');
    expect(flags).toContain('--no-allocation-site-pretenuring');
    expect(flagsOf(scripts['start:prod'])).toEqual(flags);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(flagsOf((JSON.parse(cmd ?? '[]') as string[]).join(' '))).toEqual(flags);
  });
});
