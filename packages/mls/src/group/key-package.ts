/**
 * KeyPackage creation (RFC 9420 §10): a fresh init key, a leaf encryption key and (unless
 * given) a signature key, a signed LeafNode of source key_package and the signed KeyPackage.
 * The private keys come back as a {@link KeyPackagePrivateKeys} value that prints redacted.
 *
 * @module
 */
import type { KeyPair } from '@sigil/crypto';
import { encode } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import { makeKeyPackageRef, signWithLabel } from '../crypto-basics.ts';
import type { Extension } from '../wire/common.ts';
import { PROTOCOL_VERSION_MLS10 } from '../wire/common.ts';
import { encodeKeyPackageTbs, KeyPackage } from '../wire/key-package.ts';
import {
  type Capabilities,
  encodeLeafNodeTbs,
  type LeafNode,
  type Lifetime,
} from '../wire/leaf-node.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** The private keys behind one KeyPackage. Prints as `[redacted]`. */
export class KeyPackagePrivateKeys {
  /** The HPKE key pair of `init_key` (decrypts the Welcome's GroupSecrets). */
  readonly init: KeyPair;
  /** The HPKE key pair of the leaf's `encryption_key`. */
  readonly encryption: KeyPair;
  /** The Ed25519 key pair of the leaf's `signature_key` (secretKey is the seed). */
  readonly signature: KeyPair;

  constructor(init: KeyPair, encryption: KeyPair, signature: KeyPair) {
    this.init = init;
    this.encryption = encryption;
    this.signature = signature;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return 'KeyPackagePrivateKeys [redacted]';
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** The capabilities Sigil advertises: MLS 1.0, suites 1 and 3, basic credentials. */
export const DEFAULT_CAPABILITIES: Capabilities = {
  versions: [PROTOCOL_VERSION_MLS10],
  cipherSuites: [1, 3],
  extensions: [],
  proposals: [],
  credentials: [1],
};

/** Options of {@link createKeyPackage}. */
export interface CreateKeyPackageOptions {
  readonly suite: CipherSuite;
  /** The basic credential's identity bytes. */
  readonly identity: Uint8Array;
  /** An existing signature key pair (e.g. the member's long-term key); fresh by default. */
  readonly signatureKeyPair?: KeyPair;
  /** The validity period (seconds since the Unix epoch). */
  readonly lifetime: Lifetime;
  /** KeyPackage extensions (default none). */
  readonly extensions?: readonly Extension[];
  /** LeafNode extensions (default none). */
  readonly leafExtensions?: readonly Extension[];
  /** The leaf's capabilities (default {@link DEFAULT_CAPABILITIES}). */
  readonly capabilities?: Capabilities;
}

/** A new KeyPackage and its private keys. */
export interface CreatedKeyPackage {
  readonly keyPackage: KeyPackage;
  readonly privateKeys: KeyPackagePrivateKeys;
}

/**
 * Creates and signs a KeyPackage (§10) with a basic credential.
 * @throws SigilError `INVALID_KEY_LENGTH` if the signature key is not an Ed25519 seed.
 */
export function createKeyPackage(options: CreateKeyPackageOptions): CreatedKeyPackage {
  const { suite } = options;
  const signature = options.signatureKeyPair ?? suite.signature.generateKeyPair();
  const encryption = suite.hpke.generateKeyPair();
  const init = suite.hpke.generateKeyPair();
  const unsignedLeaf: LeafNode = {
    encryptionKey: encryption.publicKey,
    signatureKey: signature.publicKey,
    credential: { credentialType: 'basic', identity: Uint8Array.from(options.identity) },
    capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
    leafNodeSource: 'key_package',
    lifetime: options.lifetime,
    extensions: options.leafExtensions ?? [],
    signature: new Uint8Array(0),
  };
  const leafNode: LeafNode = {
    ...unsignedLeaf,
    signature: signWithLabel(
      suite,
      signature.secretKey,
      'LeafNodeTBS',
      encodeLeafNodeTbs(unsignedLeaf),
    ),
  };
  const tbs = {
    version: PROTOCOL_VERSION_MLS10,
    cipherSuite: suite.id,
    initKey: init.publicKey,
    leafNode,
    extensions: options.extensions ?? [],
  };
  const keyPackage: KeyPackage = {
    ...tbs,
    signature: signWithLabel(suite, signature.secretKey, 'KeyPackageTBS', encodeKeyPackageTbs(tbs)),
  };
  return { keyPackage, privateKeys: new KeyPackagePrivateKeys(init, encryption, signature) };
}

/** MakeKeyPackageRef (§5.2) of a KeyPackage value. */
export function keyPackageRef(suite: CipherSuite, keyPackage: KeyPackage): Uint8Array {
  return makeKeyPackageRef(suite, encode(KeyPackage, keyPackage));
}
