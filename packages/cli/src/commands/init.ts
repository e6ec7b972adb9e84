/**
 * `sigil init --relay URL --username NAME [--profile DIR] [--passphrase-env VAR]`: creates the
 * profile (storage key, database) and an account on the relay, with every key made here.
 *
 * @module
 */
import { str, usage } from '../args.ts';
import { type CommandContext, profileClient } from '../context.ts';

/** Options of `init`. */
export const options = {
  relay: { type: 'string' },
  username: { type: 'string' },
} as const;

/** Runs `init`. */
export async function run(ctx: CommandContext): Promise<number> {
  const relayUrl = str(ctx.parsed, 'relay') ?? ctx.env.SIGIL_RELAY;
  const username = str(ctx.parsed, 'username');
  if (relayUrl === undefined) throw usage('init needs --relay URL (the relay `npm start` prints)');
  if (username === undefined) throw usage('init needs --username NAME');
  ctx.errorContext.relay = relayUrl;
  ctx.errorContext.username = username;
  const client = profileClient(ctx, true);
  try {
    const info = await client.createAccount({ relayUrl, username });
    ctx.out.result(
      `created ${username} on ${info.relayUrl}\n  account id ${info.accountId}, device ${info.deviceId}\n  profile ${ctx.profile}`,
      { ...info, profile: ctx.profile },
    );
  } finally {
    await client.close();
  }
  return 0;
}
