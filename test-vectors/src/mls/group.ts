/**
 * Loaders of the group vectors of RFC 9420 (welcome and the passive-client scenarios).
 * Hex fields are decoded to bytes, `optional<T>` nulls become `undefined`.
 * @module
 */
import { fromHex } from '../hex.ts';
import { type Hex, load, MLS_VECTOR_FILES, suiteOf } from './common.ts';

// ---------------------------------------------------------------- welcome.json

interface RawWelcome {
  cipher_suite: number;
  init_priv: Hex;
  signer_pub: Hex;
  key_package: Hex;
  welcome: Hex;
}

/** One welcome.json case: join from `welcome` with the KeyPackage's init key. */
export interface MlsWelcomeCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly initPriv: Uint8Array;
  readonly signerPub: Uint8Array;
  /** MLSMessage(KeyPackage). */
  readonly keyPackage: Uint8Array;
  /** MLSMessage(Welcome). */
  readonly welcome: Uint8Array;
}

/** Every case of mls/welcome.json. */
export function loadMlsWelcome(): readonly MlsWelcomeCase[] {
  const file = MLS_VECTOR_FILES.welcome;
  return load<RawWelcome>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      initPriv: fromHex(raw.init_priv),
      signerPub: fromHex(raw.signer_pub),
      keyPackage: fromHex(raw.key_package),
      welcome: fromHex(raw.welcome),
    };
  });
}

// ---------------------------------------------------------------- passive-client-*.json

interface RawPassiveClient {
  cipher_suite: number;
  external_psks: { psk_id: Hex; psk: Hex }[];
  key_package: Hex;
  signature_priv: Hex;
  encryption_priv: Hex;
  init_priv: Hex;
  welcome: Hex;
  ratchet_tree: Hex | null;
  initial_epoch_authenticator: Hex;
  epochs: { proposals: Hex[]; commit: Hex; epoch_authenticator: Hex }[];
}

/** One epoch of a passive-client scenario: proposals, then the Commit that uses them. */
export interface MlsPassiveClientEpoch {
  /** MLSMessages (Public- or PrivateMessage) of proposals. */
  readonly proposals: readonly Uint8Array[];
  /** MLSMessage of the Commit. */
  readonly commit: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
}

/** One passive-client scenario: join from a Welcome, then follow the group epoch by epoch. */
export interface MlsPassiveClientCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly externalPsks: readonly { readonly pskId: Uint8Array; readonly psk: Uint8Array }[];
  /** MLSMessage(KeyPackage). */
  readonly keyPackage: Uint8Array;
  readonly signaturePriv: Uint8Array;
  readonly encryptionPriv: Uint8Array;
  readonly initPriv: Uint8Array;
  /** MLSMessage(Welcome). */
  readonly welcome: Uint8Array;
  /** The ratchet_tree body, or undefined if the Welcome carries it. */
  readonly ratchetTree: Uint8Array | undefined;
  readonly initialEpochAuthenticator: Uint8Array;
  readonly epochs: readonly MlsPassiveClientEpoch[];
}

/** Every case of one passive-client file (`welcome`, `handling-commit` or `random`). */
export function loadMlsPassiveClient(
  which: 'welcome' | 'handling-commit' | 'random',
): readonly MlsPassiveClientCase[] {
  const file = {
    welcome: MLS_VECTOR_FILES.passiveClientWelcome,
    'handling-commit': MLS_VECTOR_FILES.passiveClientHandlingCommit,
    random: MLS_VECTOR_FILES.passiveClientRandom,
  }[which];
  return load<RawPassiveClient>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.epochs.length} epochs)`,
      cipherSuite,
      externalPsks: raw.external_psks.map((p) => ({
        pskId: fromHex(p.psk_id),
        psk: fromHex(p.psk),
      })),
      keyPackage: fromHex(raw.key_package),
      signaturePriv: fromHex(raw.signature_priv),
      encryptionPriv: fromHex(raw.encryption_priv),
      initPriv: fromHex(raw.init_priv),
      welcome: fromHex(raw.welcome),
      ratchetTree: raw.ratchet_tree === null ? undefined : fromHex(raw.ratchet_tree),
      initialEpochAuthenticator: fromHex(raw.initial_epoch_authenticator),
      epochs: raw.epochs.map((e) => ({
        proposals: e.proposals.map(fromHex),
        commit: fromHex(e.commit),
        epochAuthenticator: fromHex(e.epoch_authenticator),
      })),
    };
  });
}
