/**
 * Group names stay out of the relay's sight (spec/one-to-one.md §10 `group_metadata`;
 * groups/metadata.ts): a new group's GroupContext (hence every GroupInfo the relay stores) has no
 * name; Welcome joiners learn it from the encrypted metadata message the committer sends right
 * after the commit, and it is never a chat message; `renameGroup` reaches every member device
 * (own other devices too) with a `changed` event; a bad name changes nothing; a state stored
 * before names moved (the legacy GroupContext extension 0xF5A1) still shows its name. Also the
 * wire format of `group_metadata` (bounded, versioned). The relay-process check of the database
 * files and logs is in groups-relay.test.ts.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import {
  createKeyPackage,
  createGroup as createMlsGroup,
  DEFAULT_CAPABILITIES,
  decodeMlsMessage,
  getCipherSuite,
} from '@sigil/mls';
import { decode, encode } from '@sigil/wire';
import { Content, ContentType } from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { loadEntry, saveGroup } from '../src/groups/group-record.ts';
import { GROUP_NAME_EXTENSION } from '../src/limits.ts';
import { groupTestbed, storeRuntime } from './group-testbed.ts';
import { collect, until } from './harness.ts';

const bed = groupTestbed();
const { account, secondDevice } = bed;

const crypto = getCryptoProvider();
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A KeyPackage of `${accountId}/1` (a key of its own: these groups never reach the relay). */
function keyPackageOf(accountId: string) {
  const now = BigInt(Math.floor(Date.now() / 1000));
  return createKeyPackage({
    suite: getCipherSuite(crypto, 1),
    identity: utf8(`${accountId}/1`),
    lifetime: { notBefore: now - 60n, notAfter: now + 3600n },
    capabilities: { ...DEFAULT_CAPABILITIES, extensions: [GROUP_NAME_EXTENSION] },
  });
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay).includes(Buffer.from(needle));
}

/** The GroupInfo the relay keeps for a group. */
async function relayGroupInfo(groupId: string): Promise<Uint8Array> {
  const record = await bed.relay.app.context.store.getGroup(
    new Uint8Array(Buffer.from(groupId, 'base64url')),
  );
  expect(record?.groupInfo).toBeInstanceOf(Uint8Array);
  return record?.groupInfo as Uint8Array;
}

describe('group names', () => {
  it('Welcome joiners learn the name from the encrypted metadata; the relay never has it', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const laptop = await secondDevice(alice.client, 'alice');
    const bob = await account('bob');
    const carol = await account('carol');
    const bobGroups = collect(bob.client, 'group');
    const name = `Secret plans ${crypto.random.bytes(4).reduce((s, b) => s + b.toString(16), '')}`;

    const group = await alice.client.createGroup(name, ['bob']);
    expect(group.name).toBe(name);
    // Not in the GroupContext (so not in any GroupInfo), nor in what the relay stores.
    const stored = await alice.parts.store.transaction((tx) =>
      loadEntry(storeRuntime(alice.parts), tx, group.id),
    );
    expect(stored?.state.groupContext.extensions).toEqual([]);
    expect(stored?.name).toBe(name);
    const info = await relayGroupInfo(group.id);
    expect(decodeMlsMessage(info).wireFormat).toBe('mls_group_info');
    expect(contains(info, utf8(name))).toBe(false);

    for (const [who, c] of [
      ['bob', bob.client],
      ['laptop', laptop],
    ] as const) {
      await until(async () => (await c.getGroup(group.id))?.name === name, `${who} learns it`);
    }
    expect(bobGroups).toEqual([
      { groupId: group.id, kind: 'joined' },
      { groupId: group.id, kind: 'changed' },
    ]);
    // The metadata is not a message.
    expect(await bob.client.groupHistory(group.id)).toEqual([]);

    // A member added later (by bob) learns it from bob's metadata after the Welcome.
    const carolMessages = collect(carol.client, 'message');
    await bob.client.addToGroup(group.id, ['carol']);
    await until(async () => (await carol.client.getGroup(group.id))?.name === name, 'carol');
    expect(contains(await relayGroupInfo(group.id), utf8(name))).toBe(false);
    await alice.client.sendToGroup(group.id, 'hi carol');
    await until(() => carolMessages.length === 1, 'carol gets the message');
    expect(await carol.client.groupHistory(group.id)).toHaveLength(1);
    expect([...alice.errors, ...bob.errors, ...carol.errors]).toEqual([]);
  });

  it('a rename reaches every member device; a bad name changes nothing', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const laptop = await secondDevice(alice.client, 'alice');
    const bob = await account('bob');
    const group = await alice.client.createGroup('Before', ['bob']);
    await until(async () => (await bob.client.getGroup(group.id))?.name === 'Before', 'bob');
    await until(async () => (await laptop.getGroup(group.id))?.name === 'Before', 'laptop');
    const bobGroups = collect(bob.client, 'group');
    const laptopGroups = collect(laptop, 'group');
    const aliceGroups = collect(alice.client, 'group');

    // Bob renames: alice's two devices learn it (and bob has it at once).
    const renamed = await bob.client.renameGroup(group.id, 'After ✓');
    expect(renamed.name).toBe('After ✓');
    expect(renamed.epoch).toBe(group.epoch);
    expect(bobGroups).toEqual([{ groupId: group.id, kind: 'changed' }]);
    for (const [who, c] of [
      ['alice', alice.client],
      ['laptop', laptop],
    ] as const) {
      await until(async () => (await c.getGroup(group.id))?.name === 'After ✓', `${who} renamed`);
    }
    expect(aliceGroups).toEqual([{ groupId: group.id, kind: 'changed' }]);
    expect(laptopGroups).toEqual([{ groupId: group.id, kind: 'changed' }]);
    expect((await alice.client.listGroups()).map((g) => g.name)).toEqual(['After ✓']);
    expect(contains(await relayGroupInfo(group.id), utf8('After ✓'))).toBe(false);

    // Alice's laptop renames again: it reaches bob and alice's phone.
    await laptop.renameGroup(group.id, 'Third');
    await until(async () => (await bob.client.getGroup(group.id))?.name === 'Third', 'bob');
    await until(async () => (await alice.client.getGroup(group.id))?.name === 'Third', 'alice');
    expect(await bob.client.groupHistory(group.id)).toEqual([]);

    // Bad names and unknown groups: refused, nothing changes.
    for (const bad of ['', '   ', 'x'.repeat(257), '\ud800', 42 as unknown as string]) {
      await expect(alice.client.renameGroup(group.id, bad)).rejects.toSatisfy((e) =>
        SigilError.is(e, 'INVALID_ARGUMENT'),
      );
    }
    await expect(
      alice.client.renameGroup('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x'),
    ).rejects.toSatisfy((e) => SigilError.is(e, 'GROUP_NOT_FOUND'));
    // 256 bytes is the longest name (a 3-byte character counts 3).
    await alice.client.renameGroup(group.id, '€'.repeat(85));
    await until(
      async () => (await bob.client.getGroup(group.id))?.name === '€'.repeat(85),
      'bob gets the longest name',
    );
    await expect(alice.client.renameGroup(group.id, '€'.repeat(86))).rejects.toSatisfy((e) =>
      SigilError.is(e, 'INVALID_ARGUMENT'),
    );
    expect((await alice.client.getGroup(group.id))?.name).toBe('€'.repeat(85));
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('a group stored with the legacy GroupContext name still shows it until a name is known', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const rt = storeRuntime(alice.parts);
    const aliceId = alice.client.whoami().accountId;
    const own = keyPackageOf(aliceId);
    const state = createMlsGroup({
      suite: getCipherSuite(crypto, 1),
      groupId: crypto.random.bytes(32),
      keyPackage: own.keyPackage,
      privateKeys: own.privateKeys,
      extensions: [{ extensionType: GROUP_NAME_EXTENSION, extensionData: utf8('Old group') }],
    });
    const groupId = Buffer.from(state.groupContext.groupId).toString('base64url');
    // A record as stored before names moved: the state only, no name field.
    await alice.parts.store.transaction((tx) => saveGroup(rt, tx, state));
    expect((await alice.parts.store.transaction((tx) => loadEntry(rt, tx, groupId)))?.name).toBe(
      undefined,
    );
    expect((await alice.client.getGroup(groupId))?.name).toBe('Old group');
    expect((await alice.client.listGroups()).map((g) => g.name)).toEqual(['Old group']);
    // A name learned from the group's traffic wins over the legacy one, and is kept.
    await alice.parts.store.transaction((tx) => saveGroup(rt, tx, state, { name: 'Newer' }));
    await alice.parts.store.transaction((tx) => saveGroup(rt, tx, state));
    expect((await alice.client.getGroup(groupId))?.name).toBe('Newer');
  });

  it('a group whose name is not known yet has the name ""', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const rt = storeRuntime(alice.parts);
    const own = keyPackageOf(alice.client.whoami().accountId);
    const state = createMlsGroup({
      suite: getCipherSuite(crypto, 1),
      groupId: crypto.random.bytes(32),
      keyPackage: own.keyPackage,
      privateKeys: own.privateKeys,
    });
    await alice.parts.store.transaction((tx) => saveGroup(rt, tx, state));
    expect((await alice.client.listGroups()).map((g) => g.name)).toEqual(['']);
  });
});

describe('group_metadata content', () => {
  const content = (name: string) => ({
    version: 1 as const,
    messageId: new Uint8Array(16).fill(7),
    sentAt: 1_700_000_000_000n,
    destination: undefined,
    body: { tag: ContentType.groupMetadata, value: { version: 1 as const, name } },
  });

  it('round-trips, with the exact bytes', () => {
    const bytes = encode(Content, content('Team'));
    // version, messageId, sentAt, no destination, type 5, metadata version 1, name<V> "Team".
    expect(Buffer.from(bytes).toString('hex')).toBe(
      `01${'07'.repeat(16)}0000018bcfe56800000501045465616d`,
    );
    expect(decode(Content, bytes)).toEqual(content('Team'));
  });

  it('is bounded (1 to 256 bytes) and versioned', () => {
    expect(decode(Content, encode(Content, content('é'.repeat(128)))).body.value).toEqual({
      version: 1,
      name: 'é'.repeat(128),
    });
    for (const bad of ['', 'x'.repeat(257)]) {
      expect(() => encode(Content, content(bad))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    const good = encode(Content, content('abc'));
    const at = good.length - 5; // the metadata version byte: 01, then 03 'abc'
    expect(good[at]).toBe(1);
    const v2 = good.slice();
    v2[at] = 2;
    expect(() => decode(Content, v2)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_VERSION' }),
    );
    // A name of 0 bytes and one of 257 bytes, written by hand.
    const head = good.slice(0, at + 1);
    const empty = new Uint8Array([...head, 0]);
    expect(() => decode(Content, empty)).toThrow(
      expect.objectContaining({ code: 'CODEC_INVALID_VALUE' }),
    );
    const long = new Uint8Array([...head, 0x41, 0x01, ...new Uint8Array(257).fill(0x78)]);
    expect(() => decode(Content, long)).toThrow(
      expect.objectContaining({ code: 'CODEC_INVALID_VALUE' }),
    );
    const longest = new Uint8Array([...head, 0x41, 0x00, ...new Uint8Array(256).fill(0x78)]);
    expect(decode(Content, longest).body.value).toEqual({ version: 1, name: 'x'.repeat(256) });
  });
});
