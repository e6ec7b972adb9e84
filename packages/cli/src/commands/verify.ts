/**
 * `sigil verify <contact> [--confirm]`: shows the safety number of this account and a contact
 * (60 digits in 12 groups, equal on both sides) and its QR code; compare them in person or on
 * a trusted call, then `--confirm` marks the contact verified. `--json` gives the QR payload in
 * hex instead of the drawing.
 *
 * @module
 */
import { flag, usage } from '../args.ts';
import { type CommandContext, withClient } from '../context.ts';
import { renderQr } from '../qr.ts';

/** Options of `verify`. */
export const options = {
  confirm: { type: 'boolean' },
} as const;

/** Runs `verify`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [name] = ctx.parsed.positionals;
  if (name === undefined) throw usage('verify needs a contact: sigil verify <contact> [--confirm]');
  ctx.errorContext.contact = name;
  const confirm = flag(ctx.parsed, 'confirm');
  await withClient(ctx, async (client) => {
    const number = await client.safetyNumber(name);
    const qr = Buffer.from(number.qrPayload).toString('hex');
    const rows = [0, 4, 8].map((i) => `  ${number.groups.slice(i, i + 4).join(' ')}`);
    const contact = confirm ? await client.markVerified(name) : await client.contact(name);
    ctx.out.result(
      [
        `safety number with ${name}:`,
        ...rows,
        renderQr(number.qrPayload),
        `QR payload: ${qr}`,
        contact?.identityChanged === true
          ? `${name} changed their identity key: compare this number, then \`sigil contacts accept ${name}\``
          : contact?.verified === true
            ? `${name} is verified`
            : `compare with ${name}'s screen; if every digit matches, run \`sigil verify ${name} --confirm\``,
      ].join('\n'),
      {
        contact: name,
        digits: number.digits,
        groups: number.groups,
        qrPayload: qr,
        verified: contact?.verified === true,
        identityChanged: contact?.identityChanged === true,
      },
    );
  });
  return 0;
}
