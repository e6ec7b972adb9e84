/**
 * The Sigil side of the protocol benchmark: the session layer an application uses, through the
 * public API of `@sigil/protocol` (`startSession`, `encryptMessage`, `parseIncoming`,
 * `decryptMessage`), on one crypto backend, with the application's state handled as an
 * application would: Map-backed implementations of the package's async store interfaces
 * (`SessionStore`, `PreKeyStore`, `IdentityStore`,
 * awaited like libsignal's stores), with records kept in memory as the runtime `SessionRecord`
 * (never re-encoded per message: the session API does not require it), and the receive flow of
 * packages/protocol/test/memory-stores.ts (parse, load, decrypt, store, apply `consumed`).
 *
 * Setup = Alice decodes and verifies Bob's bundle bytes (`verifyPreKeyBundle`: his device
 * certificate, signed prekey and KEM prekey signatures), `startSession`, `encryptMessage`; Bob
 * `parseIncoming`, looks up his session record and the three prekeys, `decryptMessage`
 * (verifies Alice's certificate, PQXDH, the first ratchet message), stores the record and deletes
 * the consumed one-time prekeys. Bundles carry a one-time X25519 prekey and a one-time ML-KEM-1024
 * prekey, as libsignal's side does.
 *
 * The setup scenario cycles through 64 distinct pairs of accounts so that the `node` backend's
 * imported-key caches (a 256-entry LRU of public keys) serve nothing a first contact would not
 * have: each setup imports about 9 public keys, 576 per cycle. The identities and prekeys are
 * generated once, with the `node` backend (they are plain bytes; generating them on `portable`
 * would only slow the start).
 *
 * @module
 */
import { type CryptoProvider, constantTimeEqual } from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { portableProvider } from '@sigil/crypto/portable';
import {
  buildPreKeyBundle,
  createAccount,
  createDevice,
  type DeviceIdentity,
  decodePreKeyBundle,
  decryptMessage,
  encryptMessage,
  generateKemPreKeys,
  generateOneTimePreKeys,
  generateSignedPreKey,
  type IdentityStore,
  type KemPreKeyPair,
  type OneTimePreKeyPair,
  type PeerAddress,
  type PreKeyStore,
  type ProtocolContext,
  parseIncoming,
  type SessionRecord,
  type SessionStore,
  type SignedPreKeyPair,
  startSession,
  verifyPreKeyBundle,
} from '@sigil/protocol';
import { encode } from '@sigil/wire';
import { KemPreKeyKind, PreKeyBundle } from '@sigil/wire/formats';
import {
  assertSameBytes,
  type ProtocolSubject,
  plaintextOf,
  type ScenarioName,
  sizeOf,
} from './scenario.ts';

function addressKey(address: PeerAddress): string {
  return `${address.account}.${address.deviceId}`;
}

/** Session records per peer device, in memory as runtime records (never re-encoded). */
class MemorySessionStore implements SessionStore {
  readonly #records = new Map<string, SessionRecord>();

  async loadSession(address: PeerAddress): Promise<SessionRecord | undefined> {
    return this.#records.get(addressKey(address));
  }

  async storeSession(address: PeerAddress, record: SessionRecord): Promise<void> {
    this.#records.set(addressKey(address), record);
  }

  clear(): void {
    this.#records.clear();
  }
}

/** A device's prekeys by id; one-time prekeys are removed once a decrypt consumed them. */
class MemoryPreKeyStore implements PreKeyStore {
  readonly signed = new Map<number, SignedPreKeyPair>();
  readonly oneTime = new Map<number, OneTimePreKeyPair>();
  readonly kem = new Map<number, KemPreKeyPair>();
  readonly #lastResortUses = new Set<string>();

  async loadSignedPreKey(id: number): Promise<SignedPreKeyPair | undefined> {
    return this.signed.get(id);
  }

  async loadOneTimePreKey(id: number): Promise<OneTimePreKeyPair | undefined> {
    return this.oneTime.get(id);
  }

  async loadKemPreKey(id: number): Promise<KemPreKeyPair | undefined> {
    return this.kem.get(id);
  }

  async removeOneTimePreKey(id: number): Promise<void> {
    this.oneTime.delete(id);
  }

  async removeKemPreKey(id: number): Promise<void> {
    this.kem.delete(id);
  }

  async hasLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<boolean> {
    return this.#lastResortUses.has(
      `${kemPreKeyId}:${Buffer.from(ciphertextHash).toString('hex')}`,
    );
  }

  async recordLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<void> {
    this.#lastResortUses.add(`${kemPreKeyId}:${Buffer.from(ciphertextHash).toString('hex')}`);
  }
}

/** This device and the account keys it trusts (trust on first use). */
class MemoryIdentityStore implements IdentityStore {
  readonly #device: DeviceIdentity;
  readonly #trusted = new Map<string, Uint8Array>();

  constructor(device: DeviceIdentity) {
    this.#device = device;
  }

  async getLocalDevice(): Promise<DeviceIdentity> {
    return this.#device;
  }

  async getTrustedAccountKey(account: string): Promise<Uint8Array | undefined> {
    return this.#trusted.get(account);
  }

  async saveTrustedAccountKey(account: string, accountKey: Uint8Array): Promise<void> {
    this.#trusted.set(account, accountKey);
  }
}

interface Party {
  readonly address: PeerAddress;
  readonly sessions: MemorySessionStore;
  readonly prekeys: MemoryPreKeyStore;
  readonly identity: MemoryIdentityStore;
}

interface Pair {
  readonly alice: Party;
  readonly bob: Party;
  /** Bob's bundle as the relay serves it. */
  readonly bundleBytes: Uint8Array;
  readonly oneTime: OneTimePreKeyPair;
  readonly kem: KemPreKeyPair;
}

function party(ctx: ProtocolContext, account: string): { party: Party; device: DeviceIdentity } {
  const accountIdentity = createAccount(ctx);
  const device = createDevice(ctx, accountIdentity, 1);
  return {
    device,
    party: {
      address: { account, deviceId: 1 },
      sessions: new MemorySessionStore(),
      prekeys: new MemoryPreKeyStore(),
      identity: new MemoryIdentityStore(device),
    },
  };
}

async function makePair(): Promise<Pair> {
  const ctx: ProtocolContext = { crypto: nodeProvider };
  const alice = party(ctx, 'alice');
  const bob = party(ctx, 'bob');
  const signed = generateSignedPreKey(ctx, bob.device, 5);
  const [oneTime] = generateOneTimePreKeys(ctx, 100, 1) as [OneTimePreKeyPair];
  const [kem] = generateKemPreKeys(ctx, bob.device, 200, 1) as [KemPreKeyPair];
  bob.party.prekeys.signed.set(signed.id, signed);
  // Alice trusts Bob's account key (from his verified device list or a safety number).
  await alice.party.identity.saveTrustedAccountKey('bob', bob.device.accountKey);
  const bundleBytes = encode(
    PreKeyBundle,
    buildPreKeyBundle({
      device: bob.device.certificate,
      signedPreKey: signed.signedPreKey,
      oneTimePreKey: oneTime.oneTimePreKey,
      kemPreKey: kem.kemPreKey,
    }),
  );
  return { alice: alice.party, bob: bob.party, bundleBytes, oneTime, kem };
}

async function send(
  ctx: ProtocolContext,
  from: Party,
  to: Party,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const sent = encryptMessage(ctx, await from.sessions.loadSession(to.address), plaintext);
  await from.sessions.storeSession(to.address, sent.record);
  return sent.message;
}

/**
 * The receive flow of an application: parse, load the record (and for a PreKeyMessage the named
 * prekeys, the last-resort check and the trusted account key), decrypt, then store the record and
 * apply `consumed`.
 */
async function receive(
  ctx: ProtocolContext,
  to: Party,
  from: Party,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const incoming = parseIncoming(bytes);
  const local = await to.identity.getLocalDevice();
  const record = await to.sessions.loadSession(from.address);
  if (incoming.kind === 'ratchet') {
    const result = decryptMessage(ctx, { local, record, message: incoming });
    await to.sessions.storeSession(from.address, result.record);
    return result.plaintext;
  }
  const ids = incoming.prekeyIds;
  const kemPreKey = await to.prekeys.loadKemPreKey(ids.kemPreKeyId);
  let seen = false;
  if (kemPreKey?.kind === KemPreKeyKind.lastResort) {
    const hash = ctx.crypto.hash.digest('sha256', incoming.kemCiphertext);
    seen = await to.prekeys.hasLastResortUse(ids.kemPreKeyId, hash);
  }
  const trusted = await to.identity.getTrustedAccountKey(from.address.account);
  const result = decryptMessage(ctx, {
    local,
    record,
    message: incoming,
    prekeys: {
      signedPreKey: await to.prekeys.loadSignedPreKey(ids.signedPreKeyId),
      oneTimePreKey:
        ids.oneTimePreKeyId === undefined
          ? undefined
          : await to.prekeys.loadOneTimePreKey(ids.oneTimePreKeyId),
      kemPreKey,
    },
    seenLastResort: () => seen,
    peerCheck: (peer) => {
      if (trusted !== undefined && !constantTimeEqual(peer.accountKey, trusted)) {
        // An application throws SigilError IDENTITY_MISMATCH here; never reached in the bench.
        throw new Error('not the trusted account key');
      }
    },
  });
  await to.sessions.storeSession(from.address, result.record);
  const { consumed } = result;
  if (consumed.oneTimePreKeyId !== undefined) {
    await to.prekeys.removeOneTimePreKey(consumed.oneTimePreKeyId);
  }
  if (consumed.kemPreKeyId !== undefined) await to.prekeys.removeKemPreKey(consumed.kemPreKeyId);
  if (consumed.lastResortUse !== undefined) {
    const use = consumed.lastResortUse;
    await to.prekeys.recordLastResortUse(use.kemPreKeyId, use.ciphertextHash);
  }
  if (trusted === undefined) {
    await to.identity.saveTrustedAccountKey(from.address.account, result.peer.accountKey);
  }
  return result.plaintext;
}

/**
 * One setup from empty session records (the one-time prekeys are put back first so that the
 * pair can set up again). Returns Bob's plaintext.
 */
async function setUp(ctx: ProtocolContext, pair: Pair, plaintext: Uint8Array) {
  const { alice, bob } = pair;
  alice.sessions.clear();
  bob.sessions.clear();
  bob.prekeys.oneTime.set(pair.oneTime.id, pair.oneTime);
  bob.prekeys.kem.set(pair.kem.id, pair.kem);
  const trusted = await alice.identity.getTrustedAccountKey(bob.address.account);
  if (trusted === undefined) throw new Error('no trusted account key for bob');
  const bundle = verifyPreKeyBundle(ctx.crypto, decodePreKeyBundle(pair.bundleBytes), trusted);
  const record = startSession(ctx, {
    local: await alice.identity.getLocalDevice(),
    bundle,
    record: await alice.sessions.loadSession(bob.address),
  });
  await alice.sessions.storeSession(bob.address, record);
  return receive(ctx, bob, alice, await send(ctx, alice, bob, plaintext));
}

/** Options of {@link sigilSubject}. */
export interface SigilOptions {
  /** Use this provider instead of the backend's (profile.ts's what-if variants). */
  readonly crypto?: CryptoProvider;
  /** Display name (default `Sigil <backend>`). */
  readonly name?: string;
  /** Distinct pairs the setup scenario cycles through (default 64). */
  readonly setupPairs?: number;
}

/** The Sigil side of every scenario on one backend. */
export function sigilSubject(
  backend: 'node' | 'portable',
  options: SigilOptions = {},
): ProtocolSubject {
  const crypto = options.crypto ?? (backend === 'node' ? nodeProvider : portableProvider);
  const ctx: ProtocolContext = { crypto };
  const setupPairs = options.setupPairs ?? 64;
  return {
    name: options.name ?? `Sigil ${backend}`,
    async prepare(scenario: ScenarioName) {
      const plaintext = plaintextOf(sizeOf(scenario));
      if (scenario === 'setup') {
        const pairs: Pair[] = [];
        for (let i = 0; i < setupPairs; i++) pairs.push(await makePair());
        for (const pair of pairs) {
          assertSameBytes(await setUp(ctx, pair, plaintext), plaintext, 'Sigil setup');
        }
        let next = 0;
        return async () => {
          await setUp(ctx, pairs[next++ % pairs.length] as Pair, plaintext);
        };
      }

      // An established session: Bob answers, so Alice sends plain ratchet messages.
      const pair = await makePair();
      const { alice, bob } = pair;
      assertSameBytes(await setUp(ctx, pair, plaintext), plaintext, 'Sigil setup');
      const transfer = async (from: Party, to: Party) =>
        receive(ctx, to, from, await send(ctx, from, to, plaintext));
      assertSameBytes(await transfer(bob, alice), plaintext, 'Sigil reply');
      if (scenario === 'ping-pong 100 B') {
        let turn = 0;
        const pingPong = () => (turn++ % 2 === 0 ? transfer(alice, bob) : transfer(bob, alice));
        for (let i = 0; i < 4; i++) assertSameBytes(await pingPong(), plaintext, 'Sigil ping');
        return async () => {
          await pingPong();
        };
      }
      const probe = await send(ctx, alice, bob, plaintext);
      if (parseIncoming(probe).kind !== 'ratchet') throw new Error('expected a ratchet message');
      assertSameBytes(await receive(ctx, bob, alice, probe), plaintext, 'Sigil one way');
      return async () => {
        await transfer(alice, bob);
      };
    },
  };
}
