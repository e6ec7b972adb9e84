/**
 * `sigil whoami`: this profile's account (username, account id, device, relay).
 *
 * @module
 */
import { type CommandContext, withClient } from '../context.ts';

/** Options of `whoami`. */
export const options = {} as const;

/** Runs `whoami`. */
export async function run(ctx: CommandContext): Promise<number> {
  await withClient(ctx, async (client) => {
    const info = client.whoami();
    ctx.out.result(
      [
        `username   ${info.username ?? '(none)'}`,
        `account id ${info.accountId}`,
        `device     ${info.deviceId} of ${info.devices.join(',')} (list version ${info.listVersion})`,
        `relay      ${info.relayUrl}`,
        `profile    ${ctx.profile}`,
      ].join('\n'),
      { ...info, profile: ctx.profile },
    );
  });
  return 0;
}
