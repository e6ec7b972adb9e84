/**
 * `sigil group create|add|remove|send|rename|list|leave|history|rekey`: MLS groups (groups-api.md,
 * SDK); `rekey` refreshes this device's keys in a group (post-compromise security; also
 * automatic); `rename` gives a group a new name (sent to the members end-to-end encrypted). A
 * group whose name this device has not learned yet (just joined) shows as "(unnamed group)".
 * A group is named by its id or a unique prefix of its name; people by username (a username not
 * added yet is looked up and pinned first, as `send` does). Every action first processes the
 * mailbox over HTTP, so an invitation (Welcome) or a change waiting there is seen.
 *
 * @module
 */

import { text as readAll } from 'node:stream/consumers';
import type { GroupSummary, SigilClient } from '@sigil/client';
import { SigilError } from '@sigil/errors';
import { usage } from '../args.ts';
import { type CommandContext, ContactNames, withClient } from '../context.ts';
import { messageJson, messageLine } from '../output.ts';

/** Options of `group`. */
export const options = {} as const;

const ACTIONS = [
  'create',
  'add',
  'remove',
  'send',
  'rename',
  'list',
  'leave',
  'history',
  'rekey',
] as const;
type Action = (typeof ACTIONS)[number];

/**
 * The group a user means: the one with id `ref`, else the one named `ref`, else the only one
 * whose name starts with `ref` (case-insensitive).
 * @throws SigilError `GROUP_NOT_FOUND`; `INVALID_ARGUMENT` when several match.
 */
export function resolveGroup(groups: readonly GroupSummary[], ref: string): GroupSummary {
  const byId = groups.find((g) => g.id === ref);
  if (byId !== undefined) return byId;
  const lower = ref.toLowerCase();
  const exact = groups.filter((g) => g.name.toLowerCase() === lower);
  const matches =
    exact.length > 0 ? exact : groups.filter((g) => g.name.toLowerCase().startsWith(lower));
  if (matches.length === 1) return matches[0] as GroupSummary;
  if (matches.length === 0) {
    throw new SigilError('GROUP_NOT_FOUND', `no group ${ref}`, { details: { group: ref } });
  }
  throw usage(
    `${matches.length} groups match ${ref} (${matches.map((g) => `${g.name} ${g.id}`).join(', ')}): give more of the name, or the id`,
  );
}

/** How a group name is shown to the user: '' (not learned yet) gets a neutral label. */
export function groupLabel(name: string): string {
  return name === '' ? '(unnamed group)' : name;
}

/** The group's members as `alice (2 devices), bob`. */
function membersText(g: GroupSummary, ownAccountId: string): string {
  return g.members
    .map((m) => {
      const who =
        m.accountId === ownAccountId ? 'you' : (m.username ?? `${m.accountId.slice(0, 12)}…`);
      return m.deviceIds.length > 1 ? `${who} (${m.deviceIds.length} devices)` : who;
    })
    .join(', ');
}

function groupJson(g: GroupSummary): Record<string, unknown> {
  return { id: g.id, name: g.name, epoch: g.epoch, members: g.members };
}

/** Stored contacts for usernames, finding (and pinning) the ones not added yet. */
async function people(ctx: CommandContext, client: SigilClient, names: readonly string[]) {
  const out = [];
  for (const name of names) {
    ctx.errorContext.contact = name;
    out.push((await client.contact(name)) ?? (await client.findContact(name)));
  }
  return out;
}

/** Runs `group`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [action = 'list', ...args] = ctx.parsed.positionals;
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw usage(`unknown group action ${action}: use ${ACTIONS.join(', ')}`);
  }
  const [target, ...rest] = args;
  if (action !== 'list' && target === undefined) {
    throw usage(`group ${action} needs a group${action === 'create' ? ' name' : ''}`);
  }
  if (action === 'rename' && rest.length === 0) {
    throw usage('group rename needs the new name: sigil group rename <group> <name>');
  }
  if ((action === 'add' || action === 'remove') && rest.length === 0) {
    throw usage(`group ${action} needs at least one user: sigil group ${action} <group> <user...>`);
  }
  if ((action === 'leave' || action === 'history' || action === 'rekey') && rest.length > 0) {
    throw usage(`group ${action} takes just the group`);
  }
  if (action === 'list' && args.length > 0) throw usage('group list takes no argument');
  let body = '';
  if (action === 'send') {
    body = rest.join(' ');
    if (rest.length === 0) body = (await readAll(process.stdin)).replace(/\r?\n$/, '');
    if (body === '') throw usage('nothing to send: give the text, or pipe it on stdin');
  }
  await withClient(ctx, async (client) => {
    await client.receivePending();
    await act(ctx, client, action as Action, target as string, rest, body);
  });
  return 0;
}

async function act(
  ctx: CommandContext,
  client: SigilClient,
  action: Action,
  target: string,
  rest: readonly string[],
  body: string,
): Promise<void> {
  const own = client.whoami().accountId;
  if (action === 'create') {
    const members = await people(ctx, client, rest);
    const g = await client.createGroup(target, members);
    ctx.out.result(
      `created group ${groupLabel(g.name)} (${g.id}): ${membersText(g, own)}`,
      groupJson(g),
    );
    return;
  }
  const groups = await client.listGroups();
  if (action === 'list') {
    for (const g of groups) {
      ctx.out.result(`${groupLabel(g.name)}  ${g.id}  ${membersText(g, own)}`, groupJson(g));
    }
    if (groups.length === 0)
      ctx.out.note('no groups yet; create one with `sigil group create NAME USER...`');
    return;
  }
  if (action === 'history') {
    // A group left earlier is only in the history: its id still works.
    const g = resolveOrId(groups, target);
    const id = g?.id ?? target;
    const names = new ContactNames(client);
    await names.load();
    const messages = await client.groupHistory(id);
    for (const m of messages) {
      const sender = m.sender.accountId === own ? undefined : await names.name(m.sender.accountId);
      const group = g === undefined ? id : groupLabel(g.name);
      ctx.out.result(messageLine(m, sender, group), messageJson(m, sender, group));
    }
    ctx.out.note(`${messages.length} message${messages.length === 1 ? '' : 's'}`);
    return;
  }
  const g = resolveGroup(groups, target);
  if (action === 'send') {
    const m = await client.sendToGroup(g.id, body);
    ctx.out.result(`sent to ${groupLabel(g.name)} (message ${m.id})`, {
      id: m.id,
      group: g.id,
      name: g.name,
    });
  } else if (action === 'rename') {
    const after = await client.renameGroup(g.id, rest.join(' '));
    ctx.out.result(`renamed ${groupLabel(g.name)} to ${after.name}`, groupJson(after));
  } else if (action === 'leave') {
    await client.leaveGroup(g.id);
    ctx.out.result(`left ${groupLabel(g.name)}`, { id: g.id, name: g.name, left: true });
  } else if (action === 'rekey') {
    const after = await client.refreshGroupKeys(g.id);
    ctx.out.result(
      `refreshed your keys in ${groupLabel(after.name)} (epoch ${after.epoch})`,
      groupJson(after),
    );
  } else {
    const members = await people(ctx, client, rest);
    const after =
      action === 'add'
        ? await client.addToGroup(g.id, members)
        : await client.removeFromGroup(g.id, members);
    ctx.out.result(`group ${groupLabel(after.name)}: ${membersText(after, own)}`, groupJson(after));
  }
}

/** {@link resolveGroup}, or a group id that is only in the history (a group left). */
function resolveOrId(groups: readonly GroupSummary[], ref: string): GroupSummary | undefined {
  try {
    return resolveGroup(groups, ref);
  } catch (err) {
    if (SigilError.is(err, 'GROUP_NOT_FOUND') && /^[A-Za-z0-9_-]{22,}$/.test(ref)) return undefined;
    throw err;
  }
}
