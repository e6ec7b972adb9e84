/**
 * Command-line parsing for `sigil`: the global options every command takes (`--profile`,
 * `--json`, `--passphrase-env`) merged with a command's own, on `node:util` `parseArgs`.
 * A parse failure is a `SigilError` `INVALID_ARGUMENT`, which exits with code 1 (usage).
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SigilError } from '@sigil/errors';

/** The option table of one command (the `options` of `parseArgs`). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  profile: { type: 'string' },
  json: { type: 'boolean' },
  'passphrase-env': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** Parsed arguments: flags by name and the positionals after the command name. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** A usage error (exit code 1). */
export function usage(message: string): SigilError {
  return new SigilError('INVALID_ARGUMENT', message);
}

/**
 * Parses `argv` (after the command name) with the global options and `options`.
 * @throws SigilError `INVALID_ARGUMENT` for an unknown flag, a missing value, or more than
 *   `maxPositionals` positionals.
 */
export function parse(
  argv: readonly string[],
  options: OptionSpec,
  maxPositionals: number,
): Parsed {
  const spec: OptionSpec = { ...GLOBAL_OPTIONS, ...options };
  const { args, restore } = shieldDashWords(argv, spec);
  let result: ReturnType<typeof parseArgs>;
  try {
    result = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage(err instanceof Error ? err.message : 'invalid arguments');
  }
  const positionals = result.positionals.map(restore);
  if (positionals.length > maxPositionals) {
    throw usage(`unexpected argument: ${positionals[maxPositionals]}`);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(result.values)) {
    values[name] = typeof value === 'string' ? restore(value) : (value as boolean | undefined);
  }
  return { values, positionals };
}

/**
 * Words that start with one '-' but are not a cluster of known short flags (a group id or
 * base64url value such as `-f7x2...`) are arguments, not options: parseArgs would reject them
 * as unknown flags. They are swapped for placeholders before parsing and restored after.
 */
function shieldDashWords(
  argv: readonly string[],
  spec: OptionSpec,
): { args: string[]; restore: (value: string) => string } {
  const shorts = new Set(
    Object.values(spec).flatMap((o) => (o.short === undefined ? [] : [o.short])),
  );
  const shielded = new Map<string, string>();
  const args: string[] = [];
  for (const [i, word] of argv.entries()) {
    if (word === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const isFlags = [...word.slice(1)].every((c) => shorts.has(c));
    if (word.length > 2 && word[0] === '-' && word[1] !== '-' && !isFlags) {
      const placeholder = `\u0000arg${shielded.size}`;
      shielded.set(placeholder, word);
      args.push(placeholder);
    } else {
      args.push(word);
    }
  }
  return { args, restore: (value) => shielded.get(value) ?? value };
}

/** A string flag's value, or `undefined`. */
export function str(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean flag. */
export function flag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/**
 * The profile directory: `--profile`, else `$SIGIL_PROFILE`, else
 * `$XDG_CONFIG_HOME/sigil/default`, else `~/.config/sigil/default`.
 */
export function profileDir(parsed: Parsed, env: NodeJS.ProcessEnv): string {
  const explicit = str(parsed, 'profile') ?? env.SIGIL_PROFILE;
  if (explicit !== undefined && explicit !== '') return explicit;
  const config = env.XDG_CONFIG_HOME;
  const base = config !== undefined && config !== '' ? config : join(homedir(), '.config');
  return join(base, 'sigil', 'default');
}

/**
 * The passphrase, read from the environment variable `--passphrase-env` names (never from
 * the command line, where other users could see it in the process list).
 * @throws SigilError `INVALID_ARGUMENT` when the named variable is unset or empty.
 */
export function passphrase(parsed: Parsed, env: NodeJS.ProcessEnv): string | undefined {
  const name = str(parsed, 'passphrase-env');
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined || value === '') {
    throw usage(`--passphrase-env ${name}: the environment variable ${name} is not set`);
  }
  return value;
}
