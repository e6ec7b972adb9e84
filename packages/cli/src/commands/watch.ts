/**
 * `sigil watch`: streams incoming messages over the WebSocket (reconnecting by itself). At
 * start it prints the messages stored since the last one shown (a message committed just
 * before a crash is not lost to the screen), then each new one; `--json` prints one object per
 * line. Ctrl-C (SIGINT) or SIGTERM closes the client and exits 0.
 *
 * @module
 */
import type { Message } from '@sigil/client';
import { SigilError } from '@sigil/errors';
import {
  type CommandContext,
  ContactNames,
  lastShown,
  markShown,
  openWithContext,
  profileClient,
} from '../context.ts';
import { describeError } from '../exit-codes.ts';
import { messageJson, messageLine } from '../output.ts';
import { allMessages, isNews } from './inbox.ts';

/** Options of `watch`. */
export const options = {} as const;

/** Runs `watch` until a signal, or until the relay ends the connection for good. */
export async function run(ctx: CommandContext): Promise<number> {
  const client = profileClient(ctx);
  const names = new ContactNames(client);
  let printed = lastShown(ctx.profile);
  let ownDevice = 0;
  let ready = false;
  const early: Message[] = [];
  // Printing is serialized: the backlog first, then events in the order they were stored.
  let chain: Promise<void> = Promise.resolve();
  const show = (m: Message): void => {
    chain = chain.then(async () => {
      if (m.seq <= printed) return;
      printed = m.seq;
      if (isNews(m, ownDevice)) {
        const { contact: name, group } = await names.forMessage(m);
        ctx.out.result(messageLine(m, name, group), {
          type: 'message',
          ...messageJson(m, name, group),
        });
      }
      markShown(ctx.profile, m.seq);
    });
  };
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  client.on('message', (m) => (ready ? show(m) : early.push(m)));
  client.on('identity-changed', (e) => {
    const who = e.contact.username ?? e.contact.id;
    const text = describeError(new SigilError('IDENTITY_CHANGED', 'changed'), { contact: who });
    if (ctx.out.json) ctx.out.result('', { type: 'identity-changed', contact: who });
    else process.stderr.write(`${text}\n`);
  });
  client.on('connection', (e) => {
    if (e.state === 'offline') {
      ctx.out.note(`relay unreachable; retrying in ${Math.ceil((e.retryInMs ?? 0) / 1000)} s`);
    } else if (e.state === 'synced') {
      ctx.out.note('connected; waiting for messages (Ctrl-C to stop)');
    } else if (e.state === 'closed' && e.reason !== undefined && e.reason !== 'closed') {
      const why =
        e.reason === 'replaced'
          ? 'another `sigil watch` on this profile took over the connection'
          : `the relay ended the connection (${e.reason})`;
      process.stderr.write(`${why}\n`);
      finish(4);
    }
  });

  const stop = (): void => finish(0);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await openWithContext(ctx, client, true);
    ownDevice = client.whoami().deviceId;
    await names.load();
    for (const m of await allMessages(client, printed)) show(m);
    ready = true;
    for (const m of early.splice(0)) show(m);
    await chain;
    ctx.out.note(`watching as ${client.whoami().username ?? client.whoami().accountId}`);
    const code = await done;
    await chain;
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await client.close();
  }
}
