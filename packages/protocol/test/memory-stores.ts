/**
 * In-memory implementations of the store interfaces of src/storage.ts, for tests only, and the
 * receive / send flow an application runs around the pure session functions: parse, fetch the
 * record and prekeys, decrypt, then commit the record and the consumed prekeys together.
 *
 * The session store keeps records ENCODED (`encodeSessionRecord`) and decodes them on load, so
 * every test that goes through it also round-trips the record format after each step.
 * @module
 */
import { type CryptoProvider, constantTimeEqual } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { ProtocolContext } from '../src/context.ts';
import type { DeviceIdentity } from '../src/identity/device.ts';
import type { KemPreKeyPair } from '../src/prekeys/kem-pre-key.ts';
import type { OneTimePreKeyPair } from '../src/prekeys/one-time-pre-key.ts';
import type { SignedPreKeyPair } from '../src/prekeys/signed-pre-key.ts';
import type { VerifiedPreKeyBundle } from '../src/public/verify-prekeys.ts';
import { parseIncoming } from '../src/session/incoming.ts';
import {
  type DecryptMessageResult,
  decryptMessage,
  type EncryptMessageOptions,
  encryptMessage,
  type PreKeySecrets,
  startSession,
} from '../src/session/session-cipher.ts';
import {
  decodeSessionRecord,
  encodeSessionRecord,
  type SessionRecord,
} from '../src/session/session-record.ts';
import type { IdentityStore, PeerAddress, PreKeyStore, SessionStore } from '../src/storage.ts';

function addressKey(address: PeerAddress): string {
  return `${address.account}.${address.deviceId}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Session records by peer address, stored encoded. */
export class MemorySessionStore implements SessionStore {
  readonly #records = new Map<string, Uint8Array>();

  async loadSession(address: PeerAddress): Promise<SessionRecord | undefined> {
    const bytes = this.#records.get(addressKey(address));
    return bytes === undefined ? undefined : decodeSessionRecord(bytes);
  }

  async storeSession(address: PeerAddress, record: SessionRecord): Promise<void> {
    this.#records.set(addressKey(address), encodeSessionRecord(record));
  }

  /** The encoded record (to check that a failure changed nothing). */
  encoded(address: PeerAddress): string | undefined {
    const bytes = this.#records.get(addressKey(address));
    return bytes === undefined ? undefined : hex(bytes);
  }
}

/** Prekey secrets by id, and the last-resort uses seen. */
export class MemoryPreKeyStore implements PreKeyStore {
  readonly signed = new Map<number, SignedPreKeyPair>();
  readonly oneTime = new Map<number, OneTimePreKeyPair>();
  readonly kem = new Map<number, KemPreKeyPair>();
  readonly lastResortUses = new Set<string>();

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
    const pair = this.kem.get(id);
    if (pair !== undefined && pair.kind !== 1) {
      throw new SigilError('INVALID_ARGUMENT', 'never remove the last-resort KEM prekey');
    }
    this.kem.delete(id);
  }

  async hasLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<boolean> {
    return this.lastResortUses.has(`${kemPreKeyId}:${hex(ciphertextHash)}`);
  }

  async recordLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<void> {
    this.lastResortUses.add(`${kemPreKeyId}:${hex(ciphertextHash)}`);
  }

  /** A summary of what is stored (to check that a failure consumed nothing). */
  snapshot(): string {
    return JSON.stringify({
      signed: [...this.signed.keys()],
      oneTime: [...this.oneTime.keys()],
      kem: [...this.kem.keys()],
      uses: [...this.lastResortUses],
    });
  }
}

/** This device and the account keys it trusts. */
export class MemoryIdentityStore implements IdentityStore {
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
    this.#trusted.set(account, accountKey.slice());
  }
}

/** The three stores of one device. */
export interface Stores {
  readonly sessions: MemorySessionStore;
  readonly prekeys: MemoryPreKeyStore;
  readonly identity: MemoryIdentityStore;
}

/** Starts (or resets) the session with `peer` from its verified bundle and stores the record. */
export async function startWithStores(
  ctx: ProtocolContext,
  stores: Stores,
  peer: PeerAddress,
  bundle: VerifiedPreKeyBundle,
): Promise<void> {
  const local = await stores.identity.getLocalDevice();
  const record = await stores.sessions.loadSession(peer);
  await stores.sessions.storeSession(peer, startSession(ctx, { local, bundle, record }));
}

/** Encrypts to `peer` on the stored session and stores the new record. */
export async function sendWithStores(
  ctx: ProtocolContext,
  stores: Stores,
  peer: PeerAddress,
  plaintext: Uint8Array,
  options?: EncryptMessageOptions,
): Promise<Uint8Array> {
  const record = await stores.sessions.loadSession(peer);
  const sent = encryptMessage(ctx, record, plaintext, options);
  await stores.sessions.storeSession(peer, sent.record);
  return sent.message;
}

/**
 * The receive flow: parse, load the record and the named prekeys, ask whether a last-resort use
 * was seen, decrypt, then store the record and apply `consumed`. Nothing is written on failure.
 * The account key of a new peer must match the trusted one when there is one (TOFU otherwise).
 */
export async function receiveWithStores(
  ctx: ProtocolContext,
  stores: Stores,
  from: PeerAddress,
  bytes: Uint8Array,
): Promise<DecryptMessageResult> {
  const crypto: CryptoProvider = ctx.crypto;
  const incoming = parseIncoming(bytes);
  const local = await stores.identity.getLocalDevice();
  const record = await stores.sessions.loadSession(from);
  let prekeys: PreKeySecrets | undefined;
  let seen = false;
  if (incoming.kind === 'prekey') {
    const ids = incoming.prekeyIds;
    prekeys = {
      signedPreKey: await stores.prekeys.loadSignedPreKey(ids.signedPreKeyId),
      oneTimePreKey:
        ids.oneTimePreKeyId === undefined
          ? undefined
          : await stores.prekeys.loadOneTimePreKey(ids.oneTimePreKeyId),
      kemPreKey: await stores.prekeys.loadKemPreKey(ids.kemPreKeyId),
    };
    const hash = crypto.hash.digest('sha256', incoming.kemCiphertext);
    seen = await stores.prekeys.hasLastResortUse(ids.kemPreKeyId, hash);
  }
  const trusted = await stores.identity.getTrustedAccountKey(from.account);
  const result = decryptMessage(ctx, {
    local,
    record,
    message: incoming,
    prekeys,
    seenLastResort: () => seen,
    peerCheck: (peer) => {
      if (trusted !== undefined && !constantTimeEqual(peer.accountKey, trusted)) {
        throw new SigilError('IDENTITY_MISMATCH', 'not the trusted account key');
      }
    },
  });
  // One "transaction": the record and the consumed prekeys together.
  await stores.sessions.storeSession(from, result.record);
  const { consumed } = result;
  if (consumed.oneTimePreKeyId !== undefined) {
    await stores.prekeys.removeOneTimePreKey(consumed.oneTimePreKeyId);
  }
  if (consumed.kemPreKeyId !== undefined)
    await stores.prekeys.removeKemPreKey(consumed.kemPreKeyId);
  if (consumed.lastResortUse !== undefined) {
    const use = consumed.lastResortUse;
    await stores.prekeys.recordLastResortUse(use.kemPreKeyId, use.ciphertextHash);
  }
  if (trusted === undefined) {
    await stores.identity.saveTrustedAccountKey(from.account, result.peer.accountKey);
  }
  return result;
}
