/**
 * The small RFC 9420 types other structures are built from: ProtocolVersion and CipherSuite
 * (§6), public keys (§5.1.1), HPKECiphertext (§7.6), Extension (§7.2), hash references (§5.2),
 * MAC (§6.1), WireFormat (§6) and ContentType (§6).
 *
 * ```
 * enum { reserved(0), mls10(1), (65535) } ProtocolVersion;      // uint16, open registry
 * uint16 CipherSuite;  uint16 ExtensionType;  uint16 WireFormat;
 * opaque HPKEPublicKey<V>;  opaque SignaturePublicKey<V>;  opaque HashReference<V>;  opaque MAC<V>;
 * struct { opaque kem_output<V>; opaque ciphertext<V>; } HPKECiphertext;
 * struct { ExtensionType extension_type; opaque extension_data<V>; } Extension;
 * ```
 *
 * Open registries (versions, cipher suites, extension types) are plain integers, because
 * lists of them may carry GREASE values (§13.5) that must round-trip. Closed selectors
 * (WireFormat, ContentType) are names; unknown values do not decode.
 *
 * @module
 */
import { type Infer, opaqueVar, struct, uint8, uint16, vector } from '@sigil/wire';
import { namedEnum } from './named-enum.ts';

/** ProtocolVersion `mls10` (§6): the only version Sigil speaks. */
export const PROTOCOL_VERSION_MLS10 = 1;

/** ProtocolVersion (uint16): kept as a number because capabilities may list unknown ones. */
export const ProtocolVersion = uint16;

/** CipherSuite (uint16, §17.1): kept as a number; see `getCipherSuite` for the supported ones. */
export const CipherSuiteCode = uint16;

/** `opaque HPKEPublicKey<V>` (§5.1.1): a serialized KEM public key (32 bytes for X25519). */
export const HpkePublicKey = opaqueVar;

/** `opaque SignaturePublicKey<V>` (§5.1.1): an Ed25519 public key (32 bytes) for Sigil's suites. */
export const SignaturePublicKey = opaqueVar;

/** `opaque HashReference<V>` (§5.2): KeyPackageRef and ProposalRef. */
export const HashReference = opaqueVar;

/** `opaque MAC<V>` (§6.1): membership and confirmation tags. */
export const Mac = opaqueVar;

/** `HPKECiphertext` (§7.6): the output of EncryptWithLabel. */
export const HpkeCiphertext = struct({
  /** The KEM output (HPKE `enc`). */
  kemOutput: opaqueVar,
  /** The AEAD ciphertext. */
  ciphertext: opaqueVar,
});
/** A decoded {@link HpkeCiphertext}. */
export type HpkeCiphertext = Infer<typeof HpkeCiphertext>;

/** `Extension` (§7.2): any extension type, including GREASE values, round-trips. */
export const Extension = struct({
  /** ExtensionType (uint16). */
  extensionType: uint16,
  /** The extension's encoded body. */
  extensionData: opaqueVar,
});
/** A decoded {@link Extension}. */
export type Extension = Infer<typeof Extension>;

/** `Extension extensions<V>`. */
export const Extensions = vector(Extension);

/** The wire formats of §6 (uint16, IANA "MLS Wire Formats"). */
export const WIRE_FORMATS = {
  mls_public_message: 1,
  mls_private_message: 2,
  mls_welcome: 3,
  mls_group_info: 4,
  mls_key_package: 5,
} as const;

/** A WireFormat name. */
export type WireFormat = keyof typeof WIRE_FORMATS;

/** `WireFormat` (uint16). */
export const WireFormat = namedEnum(uint16, WIRE_FORMATS);

/** The wire formats that carry an AuthenticatedContent (§6). */
export type FramedWireFormat = 'mls_public_message' | 'mls_private_message';

/** `enum { reserved(0), application(1), proposal(2), commit(3), (255) } ContentType` (§6). */
export const ContentType = namedEnum(uint8, { application: 1, proposal: 2, commit: 3 });

/** A ContentType name. */
export type ContentType = Infer<typeof ContentType>;
