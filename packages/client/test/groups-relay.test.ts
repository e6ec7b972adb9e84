/**
 * The groups acceptance test through a REAL relay process (packages/relay/src/main.ts as a
 * child on 127.0.0.1, SQLite in a temp directory, trace logs captured): alice with two devices
 * and bob in a group; two members commit at the same time (each adds someone while offline, so
 * both commit on the same epoch and exactly one wins): the loser catches up and retries, every
 * member ends in the same epoch, and messages flow both ways afterwards; a removed member gets
 * nothing after its removal; the relay's database files (SQLite and its WAL) and logs contain no
 * plaintext sent, and no group name (names travel only in encrypted group metadata, never in
 * the GroupContext of the GroupInfos the relay stores), also after a rename.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCryptoProvider } from '@sigil/crypto';
import { createDeviceKeys } from '@sigil/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientEvents, MemoryStore, SigilClient } from '../src/index.ts';
import { collect, connected, TEST_OPTIONS, until, withTimeout } from './harness.ts';

const MAIN = fileURLToPath(new URL('../../relay/src/main.ts', import.meta.url));
const crypto = getCryptoProvider();

interface RelayChild {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly dataDir: string;
  readonly output: Buffer[];
}

async function startRelayProcess(): Promise<RelayChild> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-groups-relay-'));
  const proc = spawn(
    process.execPath,
    [
      MAIN,
      ...['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'trace'],
      ...['--signup-limit', '1000/1000', '--send-limit', '100000/100000'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: Buffer[] = [];
  proc.stderr?.on('data', (b: Buffer) => output.push(b));
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      proc.stdout?.on('data', (b: Buffer) => {
        output.push(b);
        const match = /relay listening on (http:\/\/\S+)/.exec(Buffer.concat(output).toString());
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      proc.once('exit', (code) =>
        reject(new Error(`relay exited ${code}: ${Buffer.concat(output).toString()}`)),
      );
    }),
    'the relay to listen',
  );
  return { proc, url, dataDir, output };
}

/** A client whose transport counts the relay's GROUP_EPOCH_MISMATCH answers. */
function client(mismatches: string[], name: string): SigilClient {
  const counting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 409 && String(input).includes('/commit')) {
      const body = (await response.clone().json()) as { error?: { code?: string } };
      if (body.error?.code === 'GROUP_EPOCH_MISMATCH') mismatches.push(name);
    }
    return response;
  };
  return new SigilClient({
    crypto,
    store: new MemoryStore(),
    storageKey: crypto.random.bytes(32),
    options: TEST_OPTIONS,
    transport: { fetch: counting, WebSocket: globalThis.WebSocket as never },
  });
}

let relay: RelayChild;
const clients: SigilClient[] = [];
beforeAll(async () => {
  relay = await startRelayProcess();
});
afterAll(async () => {
  for (const c of clients) await c.close();
  relay?.proc.kill('SIGTERM');
  await new Promise((resolve) => relay?.proc.once('exit', resolve));
  if (relay !== undefined) rmSync(relay.dataDir, { recursive: true, force: true });
});

const plaintexts: string[] = [];
const secret = (label: string): string => {
  const text = `${label} ${crypto.random.bytes(6).reduce((s, b) => s + b.toString(16), '')}`;
  plaintexts.push(text);
  return text;
};

const texts = async (c: SigilClient, groupId: string) =>
  (await c.groupHistory(groupId)).map((m) => (m.body.type === 'text' ? m.body.text : '?'));

describe('groups through a relay process', () => {
  it('three devices, concurrent commits, messages both ways, removal, no plaintext at the relay', {
    timeout: 120_000,
  }, async () => {
    const mismatches: string[] = [];
    const errors: ClientEvents['error'][] = [];
    const make = (name: string) => {
      const c = client(mismatches, name);
      clients.push(c);
      errors.push(...[]);
      c.on('error', (e) => errors.push(e));
      return c;
    };
    const phone = make('alice/1');
    await phone.createAccount({ relayUrl: relay.url, username: 'alice' });
    await connected(phone);
    const keys = createDeviceKeys({ crypto });
    const certificate = await phone.addDevice({
      deviceId: 2,
      identityKey: keys.identityKeyPair.publicKey,
      signingKey: keys.signingKeyPair.publicKey,
    });
    const laptop = make('alice/2');
    await laptop.joinAccount({ relayUrl: relay.url, keys, certificate, username: 'alice' });
    await connected(laptop);
    const bob = make('bob/1');
    await bob.createAccount({ relayUrl: relay.url, username: 'bob' });
    await connected(bob);
    const carol = make('carol/1');
    await carol.createAccount({ relayUrl: relay.url, username: 'carol' });
    await connected(carol);
    const dave = make('dave/1');
    await dave.createAccount({ relayUrl: relay.url, username: 'dave' });
    await connected(dave);

    // The group: alice's two devices and bob. Its name is a secret like the messages: the
    // members learn it from the encrypted group metadata sent after the commit.
    const groupName = secret('group name');
    const group = await phone.createGroup(groupName, ['bob']);
    const gid = group.id;
    expect(group.members.map((m) => m.deviceIds.length).sort()).toEqual([1, 2]);
    await until(async () => (await laptop.getGroup(gid))?.name === groupName, 'laptop joins');
    await until(async () => (await bob.getGroup(gid))?.name === groupName, 'bob joins');
    expect((await bob.getGroup(gid))?.epoch).toBe(1n);

    // Two members commit at the same time on epoch 1 (both offline, so neither sees the other's
    // commit first): exactly one wins; the other catches up from its mailbox and retries.
    await laptop.disconnect();
    await bob.disconnect();
    const [byLaptop, byBob] = await Promise.all([
      laptop.addToGroup(gid, ['carol']),
      bob.addToGroup(gid, ['dave']),
    ]);
    expect(mismatches.length).toBe(1);
    expect(byLaptop.epoch === 3n || byBob.epoch === 3n).toBe(true);
    await connected(laptop);
    await connected(bob);
    const members = [phone, laptop, bob, carol, dave];
    for (const [i, c] of members.entries()) {
      await until(async () => (await c.getGroup(gid))?.epoch === 3n, `member ${i} at epoch 3`);
    }
    const summaries = await Promise.all(members.map((c) => c.getGroup(gid)));
    for (const s of summaries) {
      expect(s?.members.flatMap((m) => m.deviceIds).length).toBe(5);
    }
    // Carol and dave (added by the two committers) learned the name too; a rename reaches all.
    for (const [i, c] of [carol, dave].entries()) {
      await until(async () => (await c.getGroup(gid))?.name === groupName, `joiner ${i} name`);
    }
    const newName = secret('new group name');
    await dave.renameGroup(gid, newName);
    for (const [i, c] of members.entries()) {
      await until(async () => (await c.getGroup(gid))?.name === newName, `member ${i} renamed`);
    }

    // Messages keep flowing both ways, to every member device.
    const said = [
      [phone, secret('from alice phone')],
      [bob, secret('from bob')],
      [laptop, secret('from alice laptop')],
      [carol, secret('from carol')],
      [dave, secret('from dave')],
    ] as const;
    for (const [c, text] of said) await c.sendToGroup(gid, text);
    for (const [i, c] of members.entries()) {
      await until(
        async () => said.every(([, text]) => texts(c, gid).then((t) => t.includes(text))),
        `member ${i} has every message`,
      );
    }
    const bobInbox = await bob.groupHistory(gid);
    expect(bobInbox.every((m) => m.groupId === gid)).toBe(true);

    // Carol is removed (by bob): she learns it and gets nothing afterwards.
    const carolGroups = collect(carol, 'group');
    const carolMessages = collect(carol, 'message');
    await bob.removeFromGroup(gid, ['carol']);
    await until(() => carolGroups.some((e) => e.kind === 'removed'), 'carol is removed');
    for (const [i, c] of [phone, laptop, bob, dave].entries()) {
      await until(async () => (await c.getGroup(gid))?.epoch === 4n, `member ${i} at epoch 4`);
    }
    const after = [
      [phone, secret('after removal, phone')],
      [dave, secret('after removal, dave')],
    ] as const;
    for (const [c, text] of after) await c.sendToGroup(gid, text);
    for (const [i, c] of [phone, laptop, bob, dave].entries()) {
      await until(
        async () => after.every(([, text]) => texts(c, gid).then((t) => t.includes(text))),
        `member ${i} gets the messages after the removal`,
      );
    }
    await carol.receivePending();
    expect(carolMessages).toEqual([]);
    expect(await carol.getGroup(gid)).toBeUndefined();
    const carolTexts = await texts(carol, gid);
    for (const [, text] of after) expect(carolTexts).not.toContain(text);

    // The relay's database files (SQLite and its WAL) and logs hold none of the plaintexts and
    // neither group name.
    const names = readdirSync(relay.dataDir);
    expect(names.some((f) => f.endsWith('-wal'))).toBe(true);
    const files = names.map((f) => readFileSync(join(relay.dataDir, f)));
    const logs = Buffer.concat(relay.output);
    expect(logs.length).toBeGreaterThan(1000);
    for (const text of plaintexts) {
      for (const hay of [...files, logs]) expect(hay.includes(Buffer.from(text)), text).toBe(false);
    }
    expect(errors).toEqual([]);
  });
});
