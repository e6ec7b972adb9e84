/**
 * Error messages a person understands: maps SigilError codes (packages/errors) to sentences for
 * the web client's screens. Unknown codes get a generic sentence with the code, so a bug report
 * can name it; raw error messages (written for developers) are never shown.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';

const SENTENCES: Readonly<Record<string, string>> = {
  USERNAME_TAKEN: 'That username is taken. Try another one.',
  INVALID_ARGUMENT: 'That does not look right. Check what you typed and try again.',
  NOT_FOUND: 'No one with that username uses this Sigil server.',
  CONTACT_NOT_FOUND: 'That person is not in your contacts.',
  IDENTITY_CHANGED:
    'Their safety number has changed. Review it and accept it before sending more messages.',
  RELAY_UNREACHABLE: 'Cannot reach the Sigil server. Check your connection and try again.',
  UNAVAILABLE: 'The Sigil server is busy for a moment. Try again shortly.',
  RATE_LIMITED: 'Too many attempts in a short time. Wait a minute and try again.',
  PAYLOAD_TOO_LARGE: 'That message is too long to send.',
  UNAUTHENTICATED:
    'The server did not accept this browser’s sign-in. Open Sigil at the exact address the server printed, then reload.',
  FORBIDDEN: 'The server refused to do that for this account.',
  CONFLICT: 'Something changed at the same moment. Try again.',
  STORAGE_FAILURE:
    'This browser could not save your data. Storage may be full or blocked (a private window?).',
  STORAGE_KEY_INVALID:
    'The keys saved in this browser cannot be unlocked. They may have been damaged or removed.',
  NO_LOCAL_ACCOUNT: 'There is no Sigil account in this browser yet.',
  ACCOUNT_EXISTS: 'This browser already holds that account.',
  CLIENT_NOT_OPEN: 'You are signed out. Sign in again.',
  PREKEY_NOT_FOUND:
    'Could not start an encrypted conversation: their keys are used up. Ask them to open Sigil, then try again.',
  DEVICE_NOT_ON_LIST: 'This browser is no longer one of your account’s devices.',
  DEVICE_LIST_STALE: 'The server sent an outdated list of devices. Sigil refused to use it.',
  SIGNATURE_INVALID:
    'Keys from the server did not verify, so Sigil refused to use them. This could be an attack.',
  IDENTITY_MISMATCH:
    'Keys from the server did not match this person, so Sigil refused to use them. This could be an attack.',
  RELAY_RESPONSE_INVALID: 'The server sent an answer Sigil could not understand.',
  REQUEST_INVALID: 'The server could not understand the request. Reload the page and try again.',
  GROUP_NOT_FOUND: 'That group does not exist (any more).',
  NOT_GROUP_MEMBER: 'You are not a member of this group any more.',
  GROUP_EPOCH_MISMATCH: 'The group changed at the same moment. Try again.',
  GROUP_EXISTS: 'That group exists already.',
  KEY_PACKAGE_INVALID: 'Someone’s group keys were not valid, so they could not be added.',
  KEY_PACKAGE_LIMIT: 'This device has uploaded too many group keys. Try again later.',
  KEY_PACKAGE_NOT_FOUND:
    'Someone has no keys for groups yet, so they could not be added. Ask them to open Sigil, then try again.',
  INTERNAL: 'Something went wrong inside Sigil. Reload the page and try again.',
};

/** A sentence for `error`, for a person. */
export function describeError(error: unknown): string {
  if (SigilError.is(error)) {
    return SENTENCES[error.code] ?? `Something went wrong (${error.code}). Try again.`;
  }
  // fetch() rejects with a TypeError when the network is down.
  if (error instanceof TypeError) return SENTENCES.RELAY_UNREACHABLE as string;
  return 'Something went wrong. Try again.';
}
