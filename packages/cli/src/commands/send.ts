/**
 * `sigil send <contact> [text]`: sends text to a contact (a username not added yet is looked
 * up and pinned first); without `text`, the message is read from stdin.
 *
 * @module
 */
import { text as readAll } from 'node:stream/consumers';
import { usage } from '../args.ts';
import { type CommandContext, withClient } from '../context.ts';

/** Options of `send`. */
export const options = {} as const;

/** Runs `send`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [contact, ...words] = ctx.parsed.positionals;
  if (contact === undefined) throw usage('send needs a contact: sigil send <contact> [text]');
  ctx.errorContext.contact = contact;
  let body = words.join(' ');
  if (words.length === 0) body = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  if (body === '') throw usage('nothing to send: give the text, or pipe it on stdin');
  await withClient(ctx, async (client) => {
    const id = await client.send(contact, body);
    ctx.out.result(`sent to ${contact} (message ${id})`, { id, contact });
  });
  return 0;
}
