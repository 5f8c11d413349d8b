import { parseArgs } from 'node:util';

/** A command line the command cannot run: what is wrong with it, to be printed with the usage. */
export class UsageError extends Error {}

/**
 * A command's flags: each a count (a positive integer after it, shown in the usage as `value`, N
 * unless told) or a switch, with its help line.
 */
export type FlagSpec = Record<string, { kind: 'count' | 'switch'; value?: string; help: string }>;

/** What was asked: the counts given, the switches set, and whether `--help` was. */
export interface Flags {
  help: boolean;
  counts: Record<string, number | undefined>;
  switches: Record<string, boolean>;
}

/**
 * Reads `args` strictly against `spec`: an unknown flag, a stray word, a count left without its
 * value or given anything but a positive integer, or a value after a switch is a UsageError, so a
 * mistyped flag never runs the command at a size nobody asked for. `--name value` and
 * `--name=value` both work; `--help` (or `-h`) is always known.
 */
export function readFlags(args: string[], spec: FlagSpec): Flags {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, flag]) => [name, { type: flag.kind === 'count' ? 'string' : 'boolean' } as const]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
  const counts: Flags['counts'] = {};
  const switches: Flags['switches'] = {};
  for (const [name, flag] of Object.entries(spec)) {
    const value = values[name];
    if (flag.kind === 'switch') {
      switches[name] = value === true;
    } else if (typeof value === 'string') {
      if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new UsageError(`--${name} must be a positive integer, not '${value}'`);
      }
      counts[name] = Number(value);
    }
  }
  return { help: values.help === true, counts, switches };
}

/** The usage text: the command's synopsis, then a line for each flag. */
export function usage(synopsis: string, spec: FlagSpec): string {
  const names = Object.entries(spec).map(([name, flag]) => [
    `--${name}${flag.kind === 'count' ? ` ${flag.value ?? 'N'}` : ''}`,
    flag.help,
  ]);
  const width = Math.max(...names.map(([name]) => name.length), '--help'.length);
  return [
    synopsis,
    '',
    ...names.map(([name, help]) => `  ${name.padEnd(width)}  ${help}`),
    `  ${'--help'.padEnd(width)}  print this and exit`,
  ].join('\n');
}

/**
 * Runs a command's `main` on its flags: `--help` prints the usage and exits 0; a UsageError
 * prints what is wrong and the usage and exits 2, before anything is started; any other failure
 * prints `failed` and its message (its stack with `stack`) and exits 1.
 */
export function runCommand(
  command: { name: string; synopsis: string; spec: FlagSpec; stack?: boolean },
  main: (flags: Flags) => Promise<void>,
): void {
  const { name, synopsis, spec } = command;
  const text = usage(synopsis, spec);
  let flags: Flags;
  try {
    flags = readFlags(process.argv.slice(2), spec);
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n\n${text}\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(`${text}\n`);
    return;
  }
  main(flags).catch((error: unknown) => {
    const detail =
      error instanceof Error ? ((command.stack ? error.stack : undefined) ?? error.message) : String(error);
    process.stderr.write(`\n${name} failed: ${detail}\n`);
    process.exit(1);
  });
}
