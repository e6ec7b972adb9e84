/**
 * `sigil group` end to end: a relay child process and three CLI profiles, every command its
 * own process. create (with a contact), list, send (by name prefix), inbox and watch showing
 * group messages with the group's name, add, remove, leave, history, rename, `--json`, exit
 * codes; and the relay's files and logs never hold a plaintext sent to the group, nor a group
 * name (names travel encrypted; a group whose name is not known yet shows "(unnamed group)").
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupLabel } from '../src/commands/group.ts';
import {
  cleanupDirs,
  containsBytes,
  ok,
  type RelayProcess,
  sentPlaintexts,
  sigil,
  startRelayProcess,
  startWatch,
  tempDir,
  until,
} from './harness.ts';

let relay: RelayProcess;
let alice: string;
let bob: string;
let carol: string;
/** Every plaintext sent in this file, to search the relay's bytes for. */
const { sent, secret } = sentPlaintexts();

beforeAll(async () => {
  relay = await startRelayProcess();
  const home = tempDir();
  alice = join(home, 'alice');
  bob = join(home, 'bob');
  carol = join(home, 'carol');
  for (const [profile, name] of [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
  ] as const) {
    await ok(profile, ['init', '--relay', relay.url, '--username', name]);
  }
});
afterAll(async () => {
  await relay?.stop();
  cleanupDirs();
});

interface GroupJson {
  id: string;
  name: string;
  epoch: string;
  members: { accountId: string; username?: string; deviceIds: number[] }[];
}
interface MessageJson {
  type?: string;
  group?: string | null;
  groupId?: string;
  contact: string | null;
  direction: 'in' | 'out';
  text?: string;
}

describe('sigil group', () => {
  it('create, list, send, inbox, watch, add, remove, leave, history', {
    timeout: 300_000,
  }, async () => {
    const created = (
      await ok(alice, ['group', 'create', 'Team Rocket', 'bob', '--json'])
    ).json<GroupJson>()[0];
    expect(created).toMatchObject({ name: 'Team Rocket', epoch: '1' });
    // The name is end-to-end encrypted like the messages.
    sent.push('Team Rocket');
    expect(created?.members.map((m) => m.username).sort()).toEqual(['alice', 'bob']);
    const gid = created?.id as string;

    // Bob's list processes the invitation first; the group is named by a prefix of its name.
    const bobList = (await ok(bob, ['group', 'list', '--json'])).json<GroupJson>();
    expect(bobList.map((g) => [g.id, g.name])).toEqual([[gid, 'Team Rocket']]);
    const hello = secret('hello team');
    const sentJson = (await ok(bob, ['group', 'send', 'team', hello, '--json'])).json()[0];
    expect(sentJson).toMatchObject({ group: gid, name: 'Team Rocket' });
    const fromStdin = secret('piped to the team');
    await ok(bob, ['group', 'send', gid], { input: `${fromStdin}\n` });

    const inbox = (await ok(alice, ['inbox', '--json'])).json<MessageJson>();
    expect(inbox.map((m) => [m.group, m.groupId, m.contact, m.direction, m.text])).toEqual([
      ['Team Rocket', gid, 'bob', 'in', hello],
      ['Team Rocket', gid, 'bob', 'in', fromStdin],
    ]);

    // watch shows group messages with the group's name.
    const watch = await startWatch(alice);
    const live = secret('live to the team');
    await ok(bob, ['group', 'send', 'Team', live]);
    await until(() => watch.texts().includes(live), 'watch to print the group message');
    const line = watch.child
      .lines()
      .map((l) => JSON.parse(l) as MessageJson)
      .find((m) => m.text === live);
    expect(line).toMatchObject({ type: 'message', group: 'Team Rocket', contact: 'bob' });
    watch.child.proc.kill('SIGINT');
    expect(await watch.child.exited).toBe(0);

    // Alice adds carol, who sends; the human output names the members.
    const added = await ok(alice, ['group', 'add', 'Team', 'carol']);
    expect(added.stdout).toContain('group Team Rocket: you, bob, carol');
    const fromCarol = secret('carol says hi');
    await ok(carol, ['group', 'send', 'Team', fromCarol]);
    const human = (await ok(bob, ['inbox'])).stdout;
    expect(human).toContain(`#Team Rocket `);
    expect(human).toContain(fromCarol);

    // Carol is removed: her list is empty after processing it, and she misses what follows.
    const removed = (
      await ok(bob, ['group', 'remove', 'Team', 'carol', '--json'])
    ).json<GroupJson>()[0];
    // (Bob knows alice by account id only: the invitation pinned her without a username.)
    expect(removed?.members.map((m) => m.username)).toEqual([undefined, 'bob']);
    expect((await ok(carol, ['group', 'list', '--json'])).json()).toEqual([]);
    const afterRemoval = secret('carol does not get this');
    await ok(alice, ['group', 'send', 'Team', afterRemoval]);
    const carolHistory = (await ok(carol, ['group', 'history', gid, '--json'])).json<MessageJson>();
    expect(carolHistory.map((m) => m.text)).toEqual([fromCarol]);

    // Bob leaves; alice's next action commits his removal; bob keeps his history.
    await ok(bob, ['group', 'leave', 'Team']);
    expect((await ok(bob, ['group', 'list', '--json'])).json()).toEqual([]);
    const bobHistory = (await ok(bob, ['group', 'history', gid, '--json'])).json<MessageJson>();
    expect(bobHistory.map((m) => m.text)).toEqual([
      hello,
      fromStdin,
      live,
      fromCarol,
      afterRemoval,
    ]);
    expect(bobHistory.every((m) => m.groupId === gid)).toBe(true);
    await ok(alice, ['group', 'list']);
    await until(async () => {
      const [g] = (await ok(alice, ['group', 'list', '--json'])).json<GroupJson>();
      return g?.members.length === 1;
    }, 'alice to commit bob leaving');

    const history = (await ok(alice, ['group', 'history', 'Team'])).stdout;
    expect(history).toContain(`you -> #Team Rocket: ${afterRemoval}`);
    expect(history).toContain(`#Team Rocket bob: ${hello}`);

    // The relay's database files and logs hold none of the plaintexts.
    const haystacks = [...relay.files(), relay.logs()];
    for (const text of sent) expect(containsBytes(haystacks, text), text).toBe(false);
  });

  it('rekey: a new epoch of fresh keys that the other members follow', {
    timeout: 120_000,
  }, async () => {
    const [created] = (
      await ok(alice, ['group', 'create', 'Keys', 'bob', '--json'])
    ).json<GroupJson>();
    expect(created?.epoch).toBe('1');
    const rekeyed = await ok(alice, ['group', 'rekey', 'Keys']);
    expect(rekeyed.stdout).toContain('refreshed your keys in Keys (epoch 2)');
    const [again] = (
      await ok(alice, ['group', 'rekey', created?.id as string, '--json'])
    ).json<GroupJson>();
    expect(again?.epoch).toBe('3');
    const keys = (await ok(bob, ['group', 'list', '--json']))
      .json<GroupJson>()
      .find((g) => g.id === created?.id);
    expect(keys?.epoch).toBe('3');
    const text = secret('after the rekey');
    await ok(bob, ['group', 'send', 'Keys', text]);
    expect((await ok(alice, ['group', 'history', 'Keys'])).stdout).toContain(text);
    expect((await sigil(alice, ['group', 'rekey', 'Keys', 'extra'])).code).toBe(1);
  });

  it('rename: every member sees the new name; the relay sees neither', {
    timeout: 120_000,
  }, async () => {
    const before = secret('Hidden');
    const [created] = (
      await ok(alice, ['group', 'create', before, 'bob', '--json'])
    ).json<GroupJson>();
    const gid = created?.id as string;
    const bobList = (await ok(bob, ['group', 'list', '--json'])).json<GroupJson>();
    expect(bobList.find((g) => g.id === gid)?.name).toBe(before);
    const after = secret('Renamed');
    const renamed = await ok(bob, ['group', 'rename', 'Hidden', ...after.split(' ')]);
    expect(renamed.stdout).toContain(`renamed ${before} to ${after}`);
    const aliceList = (await ok(alice, ['group', 'list', '--json'])).json<GroupJson>();
    expect(aliceList.find((g) => g.id === gid)?.name).toBe(after);
    expect((await ok(alice, ['group', 'list'])).stdout).toContain(`${after}  ${gid}`);
    const [json] = (
      await ok(alice, ['group', 'rename', gid, 'Third', 'name', '--json'])
    ).json<GroupJson>();
    expect(json).toMatchObject({ id: gid, name: 'Third name' });
    const noName = await sigil(alice, ['group', 'rename', gid]);
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain('needs the new name');
    const tooLong = await sigil(alice, ['group', 'rename', gid, 'x'.repeat(257), '--json']);
    expect(tooLong.code).not.toBe(0);
    expect(JSON.parse(tooLong.stderr)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    const haystacks = [...relay.files(), relay.logs()];
    for (const name of [before, after]) expect(containsBytes(haystacks, name), name).toBe(false);
    // A group whose name this device has not learned yet gets a neutral label.
    expect(groupLabel('')).toBe('(unnamed group)');
    expect(groupLabel('Team')).toBe('Team');
  });

  it('exit codes: unknown group 2, bad usage 1, ambiguous prefix 1', {
    timeout: 120_000,
  }, async () => {
    const missing = await sigil(alice, ['group', 'send', 'Nope', 'x', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'GROUP_NOT_FOUND' } });
    const noUser = await sigil(alice, ['group', 'add', 'Team']);
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toContain('needs at least one user');
    expect((await sigil(alice, ['group', 'frob'])).code).toBe(1);
    await ok(alice, ['group', 'create', 'Blue Team']);
    await ok(alice, ['group', 'create', 'Blue Moon']);
    const ambiguous = await sigil(alice, ['group', 'send', 'blue', 'x']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('2 groups match blue');
    // An exact name wins over a prefix of a longer one.
    await ok(alice, ['group', 'create', 'Blue']);
    expect(
      (await ok(alice, ['group', 'send', 'blue', secret('to blue'), '--json'])).json()[0],
    ).toMatchObject({
      name: 'Blue',
    });
  });
});
