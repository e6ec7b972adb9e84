/**
 * `sigil inbox [--all] [--contact NAME]`: fetches the mailbox over HTTP (no WebSocket, so a
 * running `watch` keeps its own), then prints the messages not shown yet (with `--all`, every
 * stored message, sent ones included) and remembers the last one shown.
 *
 * @module
 */
import type { Message, SigilClient } from '@sigil/client';
import { flag, str } from '../args.ts';
import { type CommandContext, ContactNames, lastShown, markShown, withClient } from '../context.ts';
import { messageJson, messageLine } from '../output.ts';

/** Options of `inbox`. */
export const options = {
  all: { type: 'boolean' },
  contact: { type: 'string' },
} as const;

/** Every stored message after `after` (paged), optionally one conversation's. */
export async function allMessages(
  client: SigilClient,
  after: number,
  contact?: string,
): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const page = await client.messages({
      after,
      limit: 500,
      ...(contact === undefined ? {} : { contact }),
    });
    out.push(...page);
    const last = page.at(-1);
    if (page.length < 500 || last === undefined) return out;
    after = last.seq;
  }
}

/** Whether a message is news for the user: received, or sent from another own device. */
export function isNews(m: Message, ownDeviceId: number): boolean {
  return m.direction === 'in' || m.sender.deviceId !== ownDeviceId;
}

/** Runs `inbox`. */
export async function run(ctx: CommandContext): Promise<number> {
  const all = flag(ctx.parsed, 'all');
  const contact = str(ctx.parsed, 'contact');
  if (contact !== undefined) ctx.errorContext.contact = contact;
  await withClient(ctx, async (client) => {
    const fetched = await client.receivePending();
    const names = new ContactNames(client);
    await names.load();
    const own = client.whoami().deviceId;
    const since = all ? 0 : lastShown(ctx.profile);
    const messages = await allMessages(client, since, contact);
    let shown = 0;
    for (const m of messages) {
      if (!all && !isNews(m, own)) continue;
      const { contact: name, group } = await names.forMessage(m);
      ctx.out.result(messageLine(m, name, group), messageJson(m, name, group));
      shown++;
    }
    const last = messages.at(-1);
    if (last !== undefined && contact === undefined) markShown(ctx.profile, last.seq);
    ctx.out.note(
      shown === 0
        ? `no new messages (${fetched} fetched from the relay)`
        : `${shown} message${shown === 1 ? '' : 's'}`,
    );
  });
  return 0;
}
