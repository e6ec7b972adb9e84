/**
 * `sigil devices`: this account's devices, from its latest signed device list (fetched again).
 *
 * @module
 */
import { type CommandContext, withClient } from '../context.ts';

/** Options of `devices`. */
export const options = {} as const;

/** Runs `devices`. */
export async function run(ctx: CommandContext): Promise<number> {
  await withClient(ctx, async (client) => {
    const info = await client.refreshDevices();
    const lines = info.devices.map(
      (d) => `device ${d}${d === info.deviceId ? ' (this device)' : ''}`,
    );
    ctx.out.result([`device list version ${info.listVersion}`, ...lines].join('\n'), {
      listVersion: info.listVersion,
      devices: info.devices,
      deviceId: info.deviceId,
    });
  });
  return 0;
}
