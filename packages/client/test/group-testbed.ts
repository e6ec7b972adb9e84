/**
 * What the group tests share: accounts and second devices on the in-process test relay (closed
 * after each test), and small views of a client's groups (texts, epochs, devices per member).
 */
import { getCryptoProvider } from '@sigil/crypto';
import { createDeviceKeys } from '@sigil/protocol';
import { afterEach } from 'vitest';
import type { GroupSummary, SigilClient } from '../src/index.ts';
import type { Runtime } from '../src/runtime.ts';
import { Sealer } from '../src/sealer.ts';
import {
  type ClientParts,
  clientOf,
  connected,
  newAccount,
  parts,
  startRelay,
  type TestRelay,
  until,
} from './harness.ts';

const crypto = getCryptoProvider();

/** A relay per test and the clients made on it, all closed after each test. */
export interface GroupTestbed {
  /** Starts this test's relay. */
  start(): Promise<TestRelay>;
  /** This test's relay (after `start`). */
  readonly relay: TestRelay;
  /** Closes `cleanup` after the test (before the relay), last registered first. */
  defer(cleanup: () => Promise<void>): void;
  /** A new account on the relay (device 1), connected. */
  account(name: string, p?: ClientParts): ReturnType<typeof newAccount>;
  /** A second device of `owner`'s account (device 2), connected. */
  secondDevice(owner: SigilClient, username: string): Promise<SigilClient>;
}

/** Registers the afterEach that closes what a test made; call once per test file. */
export function groupTestbed(): GroupTestbed {
  let relay: TestRelay | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await relay?.close();
    relay = undefined;
  });
  const bed: GroupTestbed = {
    async start() {
      relay = await startRelay();
      return relay;
    },
    get relay() {
      if (relay === undefined) throw new Error('start() the relay first');
      return relay;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async account(name, p = parts(crypto)) {
      const a = await newAccount(bed.relay, name, p);
      cleanups.push(() => a.client.close());
      return a;
    },
    async secondDevice(owner, username) {
      const keys = createDeviceKeys({ crypto });
      const certificate = await owner.addDevice({
        deviceId: 2,
        identityKey: keys.identityKeyPair.publicKey,
        signingKey: keys.signingKeyPair.publicKey,
      });
      const device = clientOf(parts(crypto));
      cleanups.push(() => device.close());
      await device.joinAccount({ relayUrl: bed.relay.url, keys, certificate, username });
      await connected(device);
      return device;
    },
  };
  return bed;
}

/** The texts of a group's stored history, oldest first ('?' for other bodies). */
export const textsOf = async (client: SigilClient, groupId: string) =>
  (await client.groupHistory(groupId)).map((m) => (m.body.type === 'text' ? m.body.text : '?'));

/** A client's epoch of a group. */
export const epochOf = async (client: SigilClient, groupId: string) =>
  (await client.getGroup(groupId))?.epoch;

/** Device ids per member (by username, else account id). */
export const devicesOf = (g: GroupSummary | undefined) =>
  Object.fromEntries((g?.members ?? []).map((m) => [m.username ?? m.accountId, m.deviceIds]));

/** Waits until every client is at `epoch` in the group. */
export async function allAt(clients: SigilClient[], groupId: string, epoch: bigint): Promise<void> {
  for (const c of clients) {
    await until(async () => (await epochOf(c, groupId)) === epoch, `epoch ${epoch}`);
  }
}

/** What the store functions need of a runtime, for reading and writing a client's records. */
export function storeRuntime(p: ClientParts): Runtime {
  const sealer = new Sealer(crypto, p.storageKey, (n) => crypto.random.bytes(n));
  return { sealer, crypto, clock: { now: () => Date.now() } } as unknown as Runtime;
}
