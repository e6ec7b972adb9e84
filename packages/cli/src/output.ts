/**
 * What `sigil` prints: human lines by default, one JSON object per line with `--json`
 * (bigints as decimal strings, bytes as base64url). Status notes go to stderr so that stdout
 * holds only results (in `--json` mode, only JSON lines).
 *
 * @module
 */
import type { Message } from '@sigil/client';

/** Where a command writes: results to `out`, notes and errors to `err`. */
export interface Output {
  /** `--json` was given. */
  readonly json: boolean;
  /** Writes a result: `human` as a line, or `data` as one JSON line. */
  result(human: string, data: unknown): void;
  /** Writes a note (status, counts) to stderr, never to stdout. */
  note(text: string): void;
}

/** JSON with bigints as strings and byte arrays as base64url. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64url');
    return v;
  });
}

/** An {@link Output} on the process's stdout and stderr. */
export function processOutput(json: boolean): Output {
  return {
    json,
    result(human, data) {
      process.stdout.write(json ? `${toJson(data)}\n` : `${human}\n`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}

/**
 * A message as a JSON object: `contact` is the contact's username when known (for a group
 * message, the sender's), `group` the group's name.
 */
export function messageJson(
  m: Message,
  contact: string | undefined,
  group?: string,
): Record<string, unknown> {
  return {
    ...(m.groupId === undefined ? {} : { groupId: m.groupId, group: group ?? null }),
    seq: m.seq,
    id: m.id,
    contact: contact ?? null,
    contactId: m.contactId,
    direction: m.direction,
    sender: m.sender,
    sentAt: m.sentAt,
    receivedAt: m.receivedAt,
    ...(m.body.type === 'text'
      ? { text: m.body.text }
      : { bytes: Buffer.from(m.body.data).toString('base64url') }),
  };
}

/**
 * A message as one human line: `[time] bob: text` or `[time] you -> bob: text`; a group
 * message `[time] #team bob: text` or `[time] you -> #team: text`.
 */
export function messageLine(m: Message, contact: string | undefined, group?: string): string {
  const time = new Date(m.receivedAt).toISOString().slice(0, 19).replace('T', ' ');
  const body = m.body.type === 'text' ? m.body.text : `(${m.body.data.length} bytes)`;
  if (m.groupId !== undefined) {
    const room = `#${group ?? `${m.groupId.slice(0, 12)}…`}`;
    const sender = contact ?? `${m.sender.accountId.slice(0, 12)}…`;
    return m.direction === 'in'
      ? `[${time}] ${room} ${sender}: ${body}`
      : `[${time}] you -> ${room}: ${body}`;
  }
  const who = contact ?? `${m.contactId.slice(0, 12)}…`;
  return m.direction === 'in' ? `[${time}] ${who}: ${body}` : `[${time}] you -> ${who}: ${body}`;
}
