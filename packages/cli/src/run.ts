/**
 * `sigil`'s dispatcher: the command table, the help text, and the mapping of failures to exit
 * codes and messages that say what to do (exit-codes.ts). One module per command in
 * src/commands/.
 *
 * @module
 */
import type { OptionSpec } from './args.ts';
import * as contacts from './commands/contacts.ts';
import * as debug from './commands/debug.ts';
import * as devices from './commands/devices.ts';
import * as group from './commands/group.ts';
import * as inbox from './commands/inbox.ts';
import * as init from './commands/init.ts';
import * as send from './commands/send.ts';
import * as verify from './commands/verify.ts';
import * as watch from './commands/watch.ts';
import * as whoami from './commands/whoami.ts';
import { type CommandContext, commandContext } from './context.ts';
import { describeError, type ErrorContext, EXIT, exitCodeOf } from './exit-codes.ts';
import { toJson } from './output.ts';

interface Command {
  readonly options: OptionSpec;
  readonly maxPositionals: number;
  readonly run: (ctx: CommandContext) => Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  init: { ...init, maxPositionals: 0 },
  send: { ...send, maxPositionals: Number.POSITIVE_INFINITY },
  inbox: { ...inbox, maxPositionals: 0 },
  watch: { ...watch, maxPositionals: 0 },
  contacts: { ...contacts, maxPositionals: 2 },
  verify: { ...verify, maxPositionals: 1 },
  devices: { ...devices, maxPositionals: 0 },
  whoami: { ...whoami, maxPositionals: 0 },
  debug: { ...debug, maxPositionals: 1 },
  group: { ...group, maxPositionals: Number.POSITIVE_INFINITY },
};

/** The help text (`sigil help`). */
export const HELP = `sigil: end-to-end encrypted messaging through a Sigil relay

usage: sigil <command> [options]

  relay [--port 8787] [--data-dir DIR] ...   start a relay (sigil relay --help lists every flag)
  init --relay URL --username NAME           create the profile and an account on the relay
  send <contact> [text]                      send text (read from stdin when omitted)
  inbox [--all] [--contact NAME]             fetch and show new messages (--all: the history)
  watch                                      stream incoming messages (Ctrl-C stops)
  contacts add <username> | list | accept <contact>
  verify <contact> [--confirm]               show the safety number; --confirm marks verified
  group create <name> [user...]              create a group (your other devices join too)
  group add|remove <group> <user...>         add or remove people (all their devices)
  group send <group> [text]                  send to a group (text from stdin when omitted)
  group rename <group> <name>                rename a group (members learn it encrypted)
  group list | leave <group> | history <group> | rekey <group>
                                             <group>: its id or a unique prefix of its name
  devices                                    this account's devices
  whoami                                     this profile's account

options of every command:
  --profile DIR         profile directory (default $SIGIL_PROFILE, else
                        $XDG_CONFIG_HOME/sigil/default or ~/.config/sigil/default)
  --json                one JSON object per line on stdout
  --passphrase-env VAR  the profile's passphrase is in environment variable VAR
                        (init: protect the new profile with it)

exit codes: 0 ok, 1 usage, 2 not found or identity problem, 3 relay unreachable, 4 other
`;

/**
 * Runs one `sigil` command line (without the program name) and returns the exit code. Errors
 * are printed on stderr (one JSON object with `--json`).
 */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  const errorContext: ErrorContext = {};
  const json = rest.includes('--json');
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(HELP);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === 'relay') {
      // Loaded only here: the relay's server stack is not needed by the other commands.
      const relay = await import('./commands/relay.ts');
      return await relay.run(rest, env);
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      process.stderr.write(`unknown command ${name}; run \`sigil help\`\n`);
      return EXIT.usage;
    }
    const ctx = commandContext(rest, command.options, command.maxPositionals, env, errorContext);
    if (ctx.parsed.values.help === true) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    return await command.run(ctx);
  } catch (error) {
    const message = describeError(error, errorContext);
    const code = exitCodeOf(error);
    const errorCode = (error as { code?: unknown }).code;
    process.stderr.write(
      json
        ? `${toJson({ error: { code: typeof errorCode === 'string' ? errorCode : 'INTERNAL', message, exitCode: code } })}\n`
        : `sigil: ${message}\n`,
    );
    if (env.SIGIL_DEBUG === '1') console.error(error);
    return code;
  }
}
