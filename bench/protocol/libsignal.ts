/**
 * The libsignal side of the protocol benchmark: @signalapp/libsignal-client (prebuilt native
 * module, Rust) driven through its public Node API, with Map-backed in-memory stores written the
 * way the library's own tests write them (IdentityKeyStore, SessionStore, PreKeyStore,
 * SignedPreKeyStore, KyberPreKeyStore).
 *
 * Records stay in memory as the library's objects (the same footing as Sigil's in-memory
 * records): the session store keeps the `SessionRecord` it is handed instead of serializing it,
 * which is the faster choice for libsignal. `serializeRecords: true` switches to the
 * serialize-on-save / deserialize-on-load store of libsignal's own test suite.
 *
 * Bundles carry a one-time EC prekey and a (one-time) Kyber-1024 prekey, as Signal's do while
 * the server has them, and are built from their bytes (`PreKeyBundle.new` over deserialized
 * keys), as a client builds them from its server's answer. Messages cross between the parties
 * as bytes. The setup scenario cycles through 64 distinct pairs of parties, as Sigil's does.
 *
 * libsignal's setup verifies two signatures (XEdDSA over the signed prekey and the Kyber
 * prekey, at `processPreKeyBundle`); Sigil's verifies four Ed25519 signatures (Bob's device
 * certificate, signed prekey and KEM prekey at Alice, Alice's device certificate at Bob).
 *
 * @module
 */
import {
  CiphertextMessageType,
  type Direction,
  IdentityChange,
  IdentityKeyPair,
  IdentityKeyStore,
  KEMKeyPair,
  KEMPublicKey,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyBundle,
  PreKeyRecord,
  PreKeySignalMessage,
  PreKeyStore,
  PrivateKey,
  ProtocolAddress,
  PublicKey,
  processPreKeyBundle,
  SessionRecord,
  SessionStore,
  SignalMessage,
  SignedPreKeyRecord,
  SignedPreKeyStore,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';
import {
  assertSameBytes,
  type ProtocolSubject,
  plaintextOf,
  type ScenarioName,
  sizeOf,
} from './scenario.ts';

class MemorySessionStore extends SessionStore {
  readonly #records = new Map<string, SessionRecord | Uint8Array<ArrayBuffer>>();
  readonly #serialize: boolean;

  constructor(serialize: boolean) {
    super();
    this.#serialize = serialize;
  }

  clear(): void {
    this.#records.clear();
  }

  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.#records.set(name.toString(), this.#serialize ? record.serialize() : record);
  }

  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    const stored = this.#records.get(name.toString());
    if (stored === undefined) return null;
    return stored instanceof SessionRecord ? stored : SessionRecord.deserialize(stored);
  }

  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const address of addresses) {
      const record = await this.getSession(address);
      if (record === null) throw new Error(`no session for ${address.toString()}`);
      out.push(record);
    }
    return out;
  }
}

class MemoryIdentityStore extends IdentityKeyStore {
  readonly #identity: IdentityKeyPair;
  readonly #registrationId: number;
  readonly #known = new Map<string, PublicKey>();

  constructor(identity: IdentityKeyPair, registrationId: number) {
    super();
    this.#identity = identity;
    this.#registrationId = registrationId;
  }

  async getIdentityKey(): Promise<PrivateKey> {
    return this.#identity.privateKey;
  }

  async getLocalRegistrationId(): Promise<number> {
    return this.#registrationId;
  }

  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const id = name.toString();
    const previous = this.#known.get(id);
    this.#known.set(id, key);
    return previous !== undefined && !previous.equals(key)
      ? IdentityChange.ReplacedExisting
      : IdentityChange.NewOrUnchanged;
  }

  async isTrustedIdentity(
    name: ProtocolAddress,
    key: PublicKey,
    _direction: Direction,
  ): Promise<boolean> {
    const known = this.#known.get(name.toString());
    return known === undefined || known.equals(key);
  }

  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    return this.#known.get(name.toString()) ?? null;
  }
}

class MemoryPreKeyStore extends PreKeyStore {
  readonly records = new Map<number, PreKeyRecord>();

  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }

  async getPreKey(id: number): Promise<PreKeyRecord> {
    const record = this.records.get(id);
    if (record === undefined) throw new Error(`no prekey ${id}`);
    return record;
  }

  async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

class MemorySignedPreKeyStore extends SignedPreKeyStore {
  readonly records = new Map<number, SignedPreKeyRecord>();

  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }

  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    const record = this.records.get(id);
    if (record === undefined) throw new Error(`no signed prekey ${id}`);
    return record;
  }
}

/** One-time Kyber prekeys: removed when used (a last-resort key would be kept and tracked). */
class MemoryKyberPreKeyStore extends KyberPreKeyStore {
  readonly records = new Map<number, KyberPreKeyRecord>();

  async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }

  async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    const record = this.records.get(id);
    if (record === undefined) throw new Error(`no kyber prekey ${id}`);
    return record;
  }

  async markKyberPreKeyUsed(id: number, _signedPreKeyId: number, _baseKey: PublicKey) {
    this.records.delete(id);
  }
}

interface Party {
  readonly address: ProtocolAddress;
  readonly identity: IdentityKeyPair;
  readonly identityStore: MemoryIdentityStore;
  readonly sessions: MemorySessionStore;
  readonly preKeys: MemoryPreKeyStore;
  readonly signedPreKeys: MemorySignedPreKeyStore;
  readonly kyberPreKeys: MemoryKyberPreKeyStore;
}

function party(name: string, registrationId: number, serialize: boolean): Party {
  const identity = IdentityKeyPair.generate();
  return {
    address: ProtocolAddress.new(name, 1),
    identity,
    identityStore: new MemoryIdentityStore(identity, registrationId),
    sessions: new MemorySessionStore(serialize),
    preKeys: new MemoryPreKeyStore(),
    signedPreKeys: new MemorySignedPreKeyStore(),
    kyberPreKeys: new MemoryKyberPreKeyStore(),
  };
}

const SIGNED_PRE_KEY_ID = 5;
const ONE_TIME_PRE_KEY_ID = 100;
const KYBER_PRE_KEY_ID = 200;

/** Bob's published bundle as the bytes a client gets from its server. */
interface BundleBytes {
  readonly registrationId: number;
  readonly identityKey: Uint8Array<ArrayBuffer>;
  readonly signedPreKey: Uint8Array<ArrayBuffer>;
  readonly signedPreKeySignature: Uint8Array<ArrayBuffer>;
  readonly oneTimePreKey: Uint8Array<ArrayBuffer>;
  readonly kyberPreKey: Uint8Array<ArrayBuffer>;
  readonly kyberPreKeySignature: Uint8Array<ArrayBuffer>;
}

/** Bob's prekeys: stores them in his stores and returns the public bundle and the records. */
function publishPreKeys(bob: Party): {
  bundle: BundleBytes;
  oneTime: PreKeyRecord;
  kyber: KyberPreKeyRecord;
} {
  const now = Date.now();
  const signed = PrivateKey.generate();
  const signedSignature = bob.identity.privateKey.sign(signed.getPublicKey().serialize());
  bob.signedPreKeys.records.set(
    SIGNED_PRE_KEY_ID,
    SignedPreKeyRecord.new(SIGNED_PRE_KEY_ID, now, signed.getPublicKey(), signed, signedSignature),
  );
  const oneTimeKey = PrivateKey.generate();
  const oneTime = PreKeyRecord.new(ONE_TIME_PRE_KEY_ID, oneTimeKey.getPublicKey(), oneTimeKey);
  const kem = KEMKeyPair.generate();
  const kyberSignature = bob.identity.privateKey.sign(kem.getPublicKey().serialize());
  const kyber = KyberPreKeyRecord.new(KYBER_PRE_KEY_ID, now, kem, kyberSignature);
  bob.preKeys.records.set(ONE_TIME_PRE_KEY_ID, oneTime);
  bob.kyberPreKeys.records.set(KYBER_PRE_KEY_ID, kyber);
  return {
    bundle: {
      registrationId: 2,
      identityKey: bob.identity.publicKey.serialize(),
      signedPreKey: signed.getPublicKey().serialize(),
      signedPreKeySignature: signedSignature,
      oneTimePreKey: oneTimeKey.getPublicKey().serialize(),
      kyberPreKey: kem.getPublicKey().serialize(),
      kyberPreKeySignature: kyberSignature,
    },
    oneTime,
    kyber,
  };
}

/** A PreKeyBundle from its bytes, as a client builds it from a server response. */
function bundleFrom(bytes: BundleBytes): PreKeyBundle {
  return PreKeyBundle.new(
    bytes.registrationId,
    1,
    ONE_TIME_PRE_KEY_ID,
    PublicKey.deserialize(bytes.oneTimePreKey),
    SIGNED_PRE_KEY_ID,
    PublicKey.deserialize(bytes.signedPreKey),
    bytes.signedPreKeySignature,
    PublicKey.deserialize(bytes.identityKey),
    KYBER_PRE_KEY_ID,
    KEMPublicKey.deserialize(bytes.kyberPreKey),
    bytes.kyberPreKeySignature,
  );
}

async function send(from: Party, to: Party, plaintext: Uint8Array<ArrayBuffer>) {
  const message = await signalEncrypt(
    plaintext,
    to.address,
    from.address,
    from.sessions,
    from.identityStore,
  );
  return { type: message.type(), bytes: message.serialize() };
}

async function receive(
  to: Party,
  from: Party,
  message: { type: number; bytes: Uint8Array<ArrayBuffer> },
): Promise<Uint8Array> {
  if (message.type === CiphertextMessageType.PreKey) {
    return signalDecryptPreKey(
      PreKeySignalMessage.deserialize(message.bytes),
      from.address,
      to.address,
      to.sessions,
      to.identityStore,
      to.preKeys,
      to.signedPreKeys,
      to.kyberPreKeys,
    );
  }
  return signalDecrypt(
    SignalMessage.deserialize(message.bytes),
    from.address,
    to.address,
    to.sessions,
    to.identityStore,
  );
}

/** Options of {@link libsignalSubject}. */
export interface LibsignalOptions {
  /** Serialize session records on save and deserialize on load (libsignal's test stores). */
  readonly serializeRecords?: boolean;
  /** Distinct (initiator, responder) pairs the setup scenario cycles through (default 64). */
  readonly setupPairs?: number;
}

interface Pair {
  readonly alice: Party;
  readonly bob: Party;
  readonly published: ReturnType<typeof publishPreKeys>;
}

function makePair(serialize: boolean): Pair {
  const alice = party('alice', 1, serialize);
  const bob = party('bob', 2, serialize);
  return { alice, bob, published: publishPreKeys(bob) };
}

/**
 * One setup from empty session records: Alice builds Bob's bundle from its bytes and processes
 * it, encrypts the first message, Bob decrypts it (removing the one-time prekeys, which are put
 * back first so that the pair can set up again). Returns Bob's plaintext.
 */
async function setUp(pair: Pair, plaintext: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const { alice, bob, published } = pair;
  alice.sessions.clear();
  bob.sessions.clear();
  bob.preKeys.records.set(ONE_TIME_PRE_KEY_ID, published.oneTime);
  bob.kyberPreKeys.records.set(KYBER_PRE_KEY_ID, published.kyber);
  await processPreKeyBundle(
    bundleFrom(published.bundle),
    bob.address,
    alice.address,
    alice.sessions,
    alice.identityStore,
  );
  const first = await send(alice, bob, plaintext);
  if (first.type !== CiphertextMessageType.PreKey) throw new Error('expected a PreKey message');
  return receive(bob, alice, first);
}

/** The libsignal side of every scenario. */
export function libsignalSubject(options: LibsignalOptions = {}): ProtocolSubject {
  const serialize = options.serializeRecords === true;
  const setupPairs = options.setupPairs ?? 64;
  return {
    name: 'libsignal',
    async prepare(scenario: ScenarioName) {
      const plaintext = plaintextOf(sizeOf(scenario));
      if (scenario === 'setup') {
        // Distinct parties, so that no per-key work is served from a cache: each setup is a
        // first contact, as in Sigil's side.
        const pairs = Array.from({ length: setupPairs }, () => makePair(serialize));
        for (const pair of pairs) assertSameBytes(await setUp(pair, plaintext), plaintext, 'setup');
        let next = 0;
        return async () => {
          await setUp(pairs[next++ % pairs.length] as Pair, plaintext);
        };
      }

      // An established session: Bob answers, so Alice sends plain SignalMessages.
      const pair = makePair(serialize);
      const { alice, bob } = pair;
      assertSameBytes(await setUp(pair, plaintext), plaintext, 'setup');
      assertSameBytes(
        await receive(alice, bob, await send(bob, alice, plaintext)),
        plaintext,
        'reply',
      );
      if (scenario === 'ping-pong 100 B') {
        let turn = 0;
        const parties = [alice, bob] as const;
        const check = async () => {
          const from = parties[turn & 1] as Party;
          const to = parties[(turn + 1) & 1] as Party;
          turn++;
          return receive(to, from, await send(from, to, plaintext));
        };
        for (let i = 0; i < 4; i++) assertSameBytes(await check(), plaintext, 'libsignal ping');
        return async () => {
          await check();
        };
      }
      const probe = await send(alice, bob, plaintext);
      if (probe.type !== CiphertextMessageType.Whisper) throw new Error('expected a SignalMessage');
      assertSameBytes(await receive(bob, alice, probe), plaintext, 'libsignal one way');
      const check = async () => receive(bob, alice, await send(alice, bob, plaintext));
      return async () => {
        await check();
      };
    },
  };
}
