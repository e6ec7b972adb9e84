/**
 * Loaders of the key-schedule vectors of RFC 9420 (crypto-basics, key-schedule, psk_secret, transcript-hashes).
 * Hex fields are decoded to bytes, `optional<T>` nulls become `undefined`.
 * @module
 */
import { fromHex } from '../hex.ts';
import { type Hex, load, MLS_VECTOR_FILES, suiteOf } from './common.ts';

// ---------------------------------------------------------------- crypto-basics.json

interface RawCryptoBasics {
  cipher_suite: number;
  ref_hash: { label: string; value: Hex; out: Hex };
  expand_with_label: { secret: Hex; label: string; context: Hex; length: number; out: Hex };
  derive_secret: { secret: Hex; label: string; out: Hex };
  derive_tree_secret: { secret: Hex; label: string; generation: number; length: number; out: Hex };
  sign_with_label: { priv: Hex; pub: Hex; content: Hex; label: string; signature: Hex };
  encrypt_with_label: {
    priv: Hex;
    pub: Hex;
    label: string;
    context: Hex;
    plaintext: Hex;
    kem_output: Hex;
    ciphertext: Hex;
  };
}

/** One crypto-basics case (one per cipher suite). */
export interface MlsCryptoBasicsCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly refHash: { label: string; value: Uint8Array; out: Uint8Array };
  readonly expandWithLabel: {
    secret: Uint8Array;
    label: string;
    context: Uint8Array;
    length: number;
    out: Uint8Array;
  };
  readonly deriveSecret: { secret: Uint8Array; label: string; out: Uint8Array };
  readonly deriveTreeSecret: {
    secret: Uint8Array;
    label: string;
    generation: number;
    length: number;
    out: Uint8Array;
  };
  readonly signWithLabel: {
    priv: Uint8Array;
    pub: Uint8Array;
    content: Uint8Array;
    label: string;
    signature: Uint8Array;
  };
  readonly encryptWithLabel: {
    priv: Uint8Array;
    pub: Uint8Array;
    label: string;
    context: Uint8Array;
    plaintext: Uint8Array;
    kemOutput: Uint8Array;
    ciphertext: Uint8Array;
  };
}

/** Every case of mls/crypto-basics.json. */
export function loadMlsCryptoBasics(): readonly MlsCryptoBasicsCase[] {
  const file = MLS_VECTOR_FILES.cryptoBasics;
  return load<RawCryptoBasics>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    const r = raw.ref_hash;
    const e = raw.expand_with_label;
    const d = raw.derive_secret;
    const t = raw.derive_tree_secret;
    const s = raw.sign_with_label;
    const x = raw.encrypt_with_label;
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      refHash: { label: r.label, value: fromHex(r.value), out: fromHex(r.out) },
      expandWithLabel: {
        secret: fromHex(e.secret),
        label: e.label,
        context: fromHex(e.context),
        length: e.length,
        out: fromHex(e.out),
      },
      deriveSecret: { secret: fromHex(d.secret), label: d.label, out: fromHex(d.out) },
      deriveTreeSecret: {
        secret: fromHex(t.secret),
        label: t.label,
        generation: t.generation,
        length: t.length,
        out: fromHex(t.out),
      },
      signWithLabel: {
        priv: fromHex(s.priv),
        pub: fromHex(s.pub),
        content: fromHex(s.content),
        label: s.label,
        signature: fromHex(s.signature),
      },
      encryptWithLabel: {
        priv: fromHex(x.priv),
        pub: fromHex(x.pub),
        label: x.label,
        context: fromHex(x.context),
        plaintext: fromHex(x.plaintext),
        kemOutput: fromHex(x.kem_output),
        ciphertext: fromHex(x.ciphertext),
      },
    };
  });
}

// ---------------------------------------------------------------- key-schedule.json

interface RawEpoch {
  tree_hash: Hex;
  commit_secret: Hex;
  psk_secret: Hex;
  confirmed_transcript_hash: Hex;
  group_context: Hex;
  joiner_secret: Hex;
  welcome_secret: Hex;
  init_secret: Hex;
  sender_data_secret: Hex;
  encryption_secret: Hex;
  exporter_secret: Hex;
  epoch_authenticator: Hex;
  external_secret: Hex;
  confirmation_key: Hex;
  membership_key: Hex;
  resumption_psk: Hex;
  external_pub: Hex;
  exporter: { label: string; context: Hex; length: number; secret: Hex };
}

interface RawKeySchedule {
  cipher_suite: number;
  group_id: Hex;
  initial_init_secret: Hex;
  epochs: RawEpoch[];
}

/** One epoch of a key-schedule case: the chosen inputs and every computed value. */
export interface MlsKeyScheduleEpoch {
  readonly treeHash: Uint8Array;
  readonly commitSecret: Uint8Array;
  readonly pskSecret: Uint8Array;
  readonly confirmedTranscriptHash: Uint8Array;
  /** The encoded GroupContext of this epoch (epoch number = position, no extensions). */
  readonly groupContext: Uint8Array;
  readonly joinerSecret: Uint8Array;
  readonly welcomeSecret: Uint8Array;
  readonly initSecret: Uint8Array;
  readonly senderDataSecret: Uint8Array;
  readonly encryptionSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
  readonly externalSecret: Uint8Array;
  readonly confirmationKey: Uint8Array;
  readonly membershipKey: Uint8Array;
  readonly resumptionPsk: Uint8Array;
  readonly externalPub: Uint8Array;
  readonly exporter: { label: string; context: Uint8Array; length: number; secret: Uint8Array };
}

/** One key-schedule case (one per cipher suite): a chain of epochs. */
export interface MlsKeyScheduleCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly initialInitSecret: Uint8Array;
  readonly epochs: readonly MlsKeyScheduleEpoch[];
}

/** Every case of mls/key-schedule.json. */
export function loadMlsKeySchedule(): readonly MlsKeyScheduleCase[] {
  const file = MLS_VECTOR_FILES.keySchedule;
  return load<RawKeySchedule>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      groupId: fromHex(raw.group_id),
      initialInitSecret: fromHex(raw.initial_init_secret),
      epochs: raw.epochs.map((e) => ({
        treeHash: fromHex(e.tree_hash),
        commitSecret: fromHex(e.commit_secret),
        pskSecret: fromHex(e.psk_secret),
        confirmedTranscriptHash: fromHex(e.confirmed_transcript_hash),
        groupContext: fromHex(e.group_context),
        joinerSecret: fromHex(e.joiner_secret),
        welcomeSecret: fromHex(e.welcome_secret),
        initSecret: fromHex(e.init_secret),
        senderDataSecret: fromHex(e.sender_data_secret),
        encryptionSecret: fromHex(e.encryption_secret),
        exporterSecret: fromHex(e.exporter_secret),
        epochAuthenticator: fromHex(e.epoch_authenticator),
        externalSecret: fromHex(e.external_secret),
        confirmationKey: fromHex(e.confirmation_key),
        membershipKey: fromHex(e.membership_key),
        resumptionPsk: fromHex(e.resumption_psk),
        externalPub: fromHex(e.external_pub),
        exporter: {
          label: e.exporter.label,
          context: fromHex(e.exporter.context),
          length: e.exporter.length,
          secret: fromHex(e.exporter.secret),
        },
      })),
    };
  });
}

// ---------------------------------------------------------------- psk_secret.json

interface RawPskSecret {
  cipher_suite: number;
  psks: { psk_id: Hex; psk: Hex; psk_nonce: Hex }[];
  psk_secret: Hex;
}

/** One psk_secret case: external PSKs in order and the resulting psk_secret. */
export interface MlsPskSecretCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly psks: readonly { pskId: Uint8Array; psk: Uint8Array; pskNonce: Uint8Array }[];
  readonly pskSecret: Uint8Array;
}

/** Every case of mls/psk_secret.json. */
export function loadMlsPskSecret(): readonly MlsPskSecretCase[] {
  const file = MLS_VECTOR_FILES.pskSecret;
  return load<RawPskSecret>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.psks.length} PSKs)`,
      cipherSuite,
      psks: raw.psks.map((p) => ({
        pskId: fromHex(p.psk_id),
        psk: fromHex(p.psk),
        pskNonce: fromHex(p.psk_nonce),
      })),
      pskSecret: fromHex(raw.psk_secret),
    };
  });
}

// ---------------------------------------------------------------- transcript-hashes.json

interface RawTranscriptHashes {
  cipher_suite: number;
  confirmation_key: Hex;
  authenticated_content: Hex;
  interim_transcript_hash_before: Hex;
  confirmed_transcript_hash_after: Hex;
  interim_transcript_hash_after: Hex;
}

/** One transcript-hashes case: a Commit's AuthenticatedContent and the hashes around it. */
export interface MlsTranscriptHashesCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly confirmationKey: Uint8Array;
  /** A TLS-encoded AuthenticatedContent carrying a Commit. */
  readonly authenticatedContent: Uint8Array;
  readonly interimTranscriptHashBefore: Uint8Array;
  readonly confirmedTranscriptHashAfter: Uint8Array;
  readonly interimTranscriptHashAfter: Uint8Array;
}

/** Every case of mls/transcript-hashes.json. */
export function loadMlsTranscriptHashes(): readonly MlsTranscriptHashesCase[] {
  const file = MLS_VECTOR_FILES.transcriptHashes;
  return load<RawTranscriptHashes>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      confirmationKey: fromHex(raw.confirmation_key),
      authenticatedContent: fromHex(raw.authenticated_content),
      interimTranscriptHashBefore: fromHex(raw.interim_transcript_hash_before),
      confirmedTranscriptHashAfter: fromHex(raw.confirmed_transcript_hash_after),
      interimTranscriptHashAfter: fromHex(raw.interim_transcript_hash_after),
    };
  });
}
