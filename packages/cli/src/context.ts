/**
 * What every `sigil` command gets: its parsed arguments, the profile directory, the output, and
 * helpers to open the profile's client, remember the last message shown, and name contacts.
 *
 * @module
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Contact, Message, SigilClient } from '@sigil/client';
import { openProfile } from '@sigil/client/node';
import { type OptionSpec, type Parsed, parse, passphrase, profileDir } from './args.ts';
import type { ErrorContext } from './exit-codes.ts';
import { type Output, processOutput } from './output.ts';

/** The file in the profile directory that remembers the last message `inbox`/`watch` showed. */
export const CLI_STATE_FILE = 'cli-state.json';

/** A command's environment. */
export interface CommandContext {
  readonly parsed: Parsed;
  readonly env: NodeJS.ProcessEnv;
  readonly profile: string;
  readonly out: Output;
  /** Filled in as the command learns what it works on, for error messages. */
  readonly errorContext: ErrorContext;
}

/** Parses a command's arguments and builds its context. */
export function commandContext(
  argv: readonly string[],
  options: OptionSpec,
  maxPositionals: number,
  env: NodeJS.ProcessEnv,
  errorContext: ErrorContext,
): CommandContext {
  const parsed = parse(argv, options, maxPositionals);
  const profile = profileDir(parsed, env);
  errorContext.profile = profile;
  return { parsed, env, profile, out: processOutput(parsed.values.json === true), errorContext };
}

/**
 * The profile's client, not yet opened (`create` for `init`).
 * @throws SigilError `NO_LOCAL_ACCOUNT`, `PASSPHRASE_REQUIRED`, `STORAGE_KEY_INVALID`, ...
 */
export function profileClient(ctx: CommandContext, create = false): SigilClient {
  return openProfile({ dir: ctx.profile, create, passphrase: passphrase(ctx.parsed, ctx.env) });
}

/**
 * Runs `fn` with the profile's client opened (`connect: false` unless asked: a command that
 * only sends or reads must not take the WebSocket from a running `watch`), then closes it.
 */
export async function withClient<T>(
  ctx: CommandContext,
  fn: (client: SigilClient) => Promise<T>,
  options: { connect?: boolean } = {},
): Promise<T> {
  const client = profileClient(ctx);
  try {
    await openWithContext(ctx, client, options.connect === true);
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** `client.open` that records the relay URL for error messages. */
export async function openWithContext(
  ctx: CommandContext,
  client: SigilClient,
  connect: boolean,
): Promise<void> {
  const info = await client.open({ connect });
  ctx.errorContext.relay = info.relayUrl;
}

/** The `seq` of the last message `inbox` or `watch` showed (0 if none). */
export function lastShown(profile: string): number {
  try {
    const state = JSON.parse(readFileSync(join(profile, CLI_STATE_FILE), 'utf8')) as {
      lastShownSeq?: unknown;
    };
    return typeof state.lastShownSeq === 'number' ? state.lastShownSeq : 0;
  } catch {
    return 0;
  }
}

/** Records that messages up to `seq` were shown (never moves backwards; atomic rename). */
export function markShown(profile: string, seq: number): void {
  if (seq <= lastShown(profile)) return;
  const file = join(profile, CLI_STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ lastShownSeq: seq })}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Names contacts by id (their username, when known), looking up ids it has not seen. */
export class ContactNames {
  readonly #client: SigilClient;
  readonly #names = new Map<string, string | undefined>();
  readonly #groups = new Map<string, string | undefined>();

  constructor(client: SigilClient) {
    this.#client = client;
  }

  /** Loads every stored contact. */
  async load(): Promise<void> {
    for (const c of await this.#client.contacts()) this.#names.set(c.id, c.username);
  }

  /**
   * The names to show for a message: the contact's username (for a group message, the
   * sender's), and for a group message the group's name (`undefined` for a group left).
   */
  async forMessage(m: Message): Promise<{ contact: string | undefined; group?: string }> {
    if (m.groupId === undefined) return { contact: await this.name(m.contactId) };
    if (!this.#groups.has(m.groupId)) {
      this.#groups.set(m.groupId, (await this.#client.getGroup(m.groupId))?.name);
    }
    const contact = await this.#client.contact(m.sender.accountId);
    const group = this.#groups.get(m.groupId);
    return { contact: contact?.username, ...(group === undefined ? {} : { group }) };
  }

  /** The username of a contact id, or `undefined` (not a contact, or no username). */
  async name(contactId: string): Promise<string | undefined> {
    if (!this.#names.has(contactId)) {
      const contact: Contact | undefined = await this.#client.contact(contactId);
      this.#names.set(contactId, contact?.username);
    }
    return this.#names.get(contactId);
  }
}
