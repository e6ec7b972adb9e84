/**
 * Exit codes and error messages of `sigil`: each `SigilError` code maps to an exit code and a
 * message that says what to do next. Messages never contain key material or plaintext.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';

/** The exit codes (documented in the README). */
export const EXIT = {
  ok: 0,
  /** Bad arguments, or an operation that does not apply (the profile already has an account). */
  usage: 1,
  /** Not found (no profile, user or contact) or an identity problem (changed key, passphrase). */
  notFound: 2,
  /** The relay cannot be reached. */
  unreachable: 3,
  /** Anything else. */
  other: 4,
} as const;

/** What a command was working on, to name in error messages. */
export interface ErrorContext {
  profile?: string;
  relay?: string;
  username?: string;
  contact?: string;
}

const EXIT_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: EXIT.usage,
  ACCOUNT_EXISTS: EXIT.usage,
  PAYLOAD_TOO_LARGE: EXIT.usage,
  NO_LOCAL_ACCOUNT: EXIT.notFound,
  NOT_FOUND: EXIT.notFound,
  CONTACT_NOT_FOUND: EXIT.notFound,
  GROUP_NOT_FOUND: EXIT.notFound,
  NOT_GROUP_MEMBER: EXIT.notFound,
  KEY_PACKAGE_NOT_FOUND: EXIT.notFound,
  IDENTITY_CHANGED: EXIT.notFound,
  PASSPHRASE_REQUIRED: EXIT.notFound,
  STORAGE_KEY_INVALID: EXIT.notFound,
  STORAGE_KEY_INSECURE: EXIT.notFound,
  RELAY_UNREACHABLE: EXIT.unreachable,
};

/** The exit code for an error. */
export function exitCodeOf(error: unknown): number {
  return SigilError.is(error) ? (EXIT_BY_CODE[error.code] ?? EXIT.other) : EXIT.other;
}

/** The message for an error: what went wrong and what to do. */
export function describeError(error: unknown, ctx: ErrorContext): string {
  if (!SigilError.is(error)) {
    return `unexpected failure (${error instanceof Error ? error.name : 'unknown'}); please report it`;
  }
  const contact = ctx.contact ?? 'the contact';
  const profile = ctx.profile ?? 'the profile directory';
  switch (error.code) {
    case 'INVALID_ARGUMENT':
      return `${error.message}; run \`sigil help\` for usage`;
    case 'NO_LOCAL_ACCOUNT':
      return `no account in ${profile}; run \`sigil init --relay URL --username NAME\` (or pass --profile DIR)`;
    case 'ACCOUNT_EXISTS':
      return `${profile} already holds an account (\`sigil whoami\` shows it); pass another --profile DIR`;
    case 'USERNAME_TAKEN':
      return `the username ${ctx.username ?? ''} is taken on this relay; choose another --username`;
    case 'NOT_FOUND':
      return `no user ${ctx.contact ?? ctx.username ?? ''} on the relay; check the spelling`;
    case 'CONTACT_NOT_FOUND':
      return `no contact ${contact}; run \`sigil contacts add ${contact}\` first`;
    case 'GROUP_NOT_FOUND':
      return `no group ${String(error.details?.group ?? '')} here; \`sigil group list\` shows your groups`;
    case 'NOT_GROUP_MEMBER':
      return 'this device is no longer in that group';
    case 'KEY_PACKAGE_NOT_FOUND':
      return 'someone to add has no device that can join groups yet; ask them to run `sigil inbox` once, then retry';
    case 'IDENTITY_CHANGED':
      return `contact ${contact} changed their identity key; run \`sigil verify ${contact}\` then \`sigil contacts accept ${contact}\``;
    case 'RELAY_UNREACHABLE':
      return `cannot reach the relay${ctx.relay === undefined ? '' : ` at ${ctx.relay}`}; is it running? (start one with \`npm start\` or \`sigil relay\`)`;
    case 'RATE_LIMITED': {
      const ms = error.details?.retryAfterMs;
      return `the relay is rate limiting this device; retry${typeof ms === 'number' ? ` in ${Math.ceil(ms / 1000)} s` : ' later'}`;
    }
    case 'PAYLOAD_TOO_LARGE':
      return 'the message is too large for the relay; send a shorter one';
    case 'PASSPHRASE_REQUIRED':
      return `${profile} is protected by a passphrase; put it in an environment variable and pass --passphrase-env VAR`;
    case 'STORAGE_KEY_INVALID':
      return `cannot unlock ${profile}: wrong passphrase or a damaged storage key`;
    case 'STORAGE_KEY_INSECURE':
      return `the storage key in ${profile} is readable by other users; run \`chmod 600 ${profile}/storage.key\``;
    default:
      return `${error.code}: ${error.message}`;
  }
}
