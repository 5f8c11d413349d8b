import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type FlagSpec, readFlags, UsageError, usage } from '../../bench/flags.js';
import { SIZE_FLAGS, sizeOf } from '../../bench/generate.js';

const SPEC: FlagSpec = {
  ...SIZE_FLAGS,
  duration: { kind: 'count', value: 'S', help: 'seconds per run' },
  quick: { kind: 'switch', help: 'small and short' },
};

/** The bench's and the generator's command lines: read strictly, so a typo never starts a run. */
describe('command-line flags', () => {
  it('reads counts in both spellings, and switches', () => {
    const flags = readFlags(['--proposals', '2000', '--actors=70', '--quick'], SPEC);
    expect(flags).toEqual({
      help: false,
      counts: { proposals: 2000, actors: 70 },
      switches: { quick: true },
    });
    expect(sizeOf(flags.counts)).toEqual({
      proposals: 2000,
      statements: 20_000,
      transitions: 10_000,
      actors: 70,
      participation: 4000,
    });
  });

  it('leaves out what was not given, so the command chooses', () => {
    const flags = readFlags([], SPEC);
    expect(flags).toEqual({ help: false, counts: {}, switches: { quick: false } });
    expect(sizeOf(flags.counts, 100_000)).toEqual({
      proposals: 100_000,
      statements: 1_000_000,
      transitions: 500_000,
      actors: 5_000,
      participation: 200_000,
    });
  });

  it.each([
    [['--proposal', '5'], /Unknown option '--proposal'/],
    [['100000'], /Unexpected argument '100000'/],
    [['--proposals'], /--proposals <value>' argument missing/],
    [['--proposals', '--quick'], /'--proposals' argument is ambiguous/],
    [['--proposals', '0'], /--proposals must be a positive integer, not '0'/],
    [['--proposals', '1e5'], /--proposals must be a positive integer, not '1e5'/],
    [['--actors=-3'], /--actors must be a positive integer, not '-3'/],
    [['--statements', '99999999999999999999'], /--statements must be a positive integer/],
    [['--quick=yes'], /'--quick' does not take an argument/],
  ])('refuses %j', (args, message) => {
    expect(() => readFlags(args, SPEC)).toThrow(UsageError);
    expect(() => readFlags(args, SPEC)).toThrow(message);
  });

  it('knows --help and -h whatever the command', () => {
    expect(readFlags(['--help'], SPEC).help).toBe(true);
    expect(readFlags(['-h'], SPEC).help).toBe(true);
  });

  it('lists every flag in the usage', () => {
    const text = usage('cmd [flags]', SPEC);
    expect(text.split('\n')[0]).toBe('cmd [flags]');
    const names = [
      '--proposals N',
      '--statements N',
      '--transitions N',
      '--actors N',
      '--duration S',
      '--quick',
      '--help',
    ];
    for (const name of names) {
      expect(text).toContain(`  ${name} `);
    }
  });
});

/** The built commands, as `npm run bench`, `npm run seed:synthetic` and `npm run bench:explain` start them. */
describe('the commands on a bad command line', () => {
  const run = promisify(execFile);
  const commands = [
    ['bench', path.resolve('dist/bench/run.js')],
    ['seed:synthetic', path.resolve('dist/bench/generate.js')],
    ['bench:explain', path.resolve('dist/bench/explain.js')],
  ];

  it.each(commands)('%s prints its usage for --help and starts nothing', async (name, script) => {
    const { stdout, stderr } = await run(process.execPath, [script, '--help'], { env: { ...process.env } });
    // The usage and nothing else: no progress line before it, nothing started after it.
    const synopsis = name === 'bench:explain' ? 'DATABASE_URL=… npm run bench:explain' : `npm run ${name} -- [`;
    expect(stdout.startsWith(synopsis)).toBe(true);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^ {2}--help +print this and exit$/);
    expect(stderr).toBe('');
  });

  it.each(commands)('%s exits 2 on a mistyped flag, saying which, before starting anything', async (name, script) => {
    const failure = await run(process.execPath, [script, '--proposal', '5'], { env: { ...process.env } }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    const { stderr } = failure as { stderr: string };
    expect(stderr.startsWith(`${name}: Unknown option '--proposal'`)).toBe(true);
    expect(stderr).toContain('--help');
    expect(stderr).not.toContain('PostgreSQL');
  });
});
