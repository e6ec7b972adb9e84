/**
 * `sigil contacts add <username>|list|accept <contact>`: find and pin a contact (trust on
 * first use), list the stored ones, or accept a contact's changed identity key (after
 * comparing the new safety number with `sigil verify`).
 *
 * @module
 */
import type { Contact } from '@sigil/client';
import { usage } from '../args.ts';
import { type CommandContext, withClient } from '../context.ts';

/** Options of `contacts`. */
export const options = {} as const;

function contactLine(c: Contact): string {
  const flags = [
    c.verified ? 'verified' : 'not verified',
    ...(c.identityChanged ? ['IDENTITY CHANGED: run `sigil verify` then `contacts accept`'] : []),
  ];
  return `${c.username ?? '(no username)'}  ${c.accountId}  devices ${c.devices.join(',') || '-'}  ${flags.join(', ')}`;
}

/** Runs `contacts`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [action, name] = ctx.parsed.positionals;
  if (action === 'list' || action === undefined) {
    if (name !== undefined) throw usage('contacts list takes no argument');
    await withClient(ctx, async (client) => {
      const all = await client.contacts();
      for (const c of all) ctx.out.result(contactLine(c), c);
      if (all.length === 0) ctx.out.note('no contacts yet; add one with `sigil contacts add NAME`');
    });
    return 0;
  }
  if (action !== 'add' && action !== 'accept') {
    throw usage(`unknown contacts action ${action}: use add, list or accept`);
  }
  if (name === undefined) throw usage(`contacts ${action} needs a username`);
  ctx.errorContext.contact = name;
  await withClient(ctx, async (client) => {
    if (action === 'add') {
      const c = await client.findContact(name);
      ctx.out.result(`added ${contactLine(c)}`, c);
      if (c.identityChanged)
        ctx.out.note(`run \`sigil verify ${name}\` then \`sigil contacts accept ${name}\``);
    } else {
      const c = await client.acceptIdentityChange(name);
      ctx.out.result(`accepted the new identity key of ${contactLine(c)}`, c);
    }
  });
  return 0;
}
