/**
 * `sigil debug reset-sessions`: hidden, for tests and troubleshooting. Deletes every session
 * record in the profile (as a lost or restored device would have it), without the relay. The
 * next message from a contact then cannot be decrypted, and the client's resend request makes
 * the sender re-establish a session and resend it.
 *
 * @module
 */
import { join } from 'node:path';
import { CLIENT_DATABASE_FILE, profileExists, SqliteStore } from '@sigil/client/node';
import { SigilError } from '@sigil/errors';
import { usage } from '../args.ts';
import type { CommandContext } from '../context.ts';

/** Options of `debug`. */
export const options = {} as const;

/** Runs `debug`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [action] = ctx.parsed.positionals;
  if (action !== 'reset-sessions') throw usage('debug actions: reset-sessions');
  if (!profileExists(ctx.profile)) throw new SigilError('NO_LOCAL_ACCOUNT', 'no profile');
  const store = SqliteStore.open(join(ctx.profile, CLIENT_DATABASE_FILE));
  try {
    const deleted = await store.transaction(async (tx) => {
      let count = 0;
      for (const contact of await tx.listContacts()) {
        for (const deviceId of await tx.listSessions(contact.accountId)) {
          await tx.deleteSession(contact.accountId, deviceId);
          count++;
        }
      }
      return count;
    });
    ctx.out.result(`deleted ${deleted} session records`, { deleted });
  } finally {
    await store.close();
  }
  return 0;
}
