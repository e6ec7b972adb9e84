/**
 * @sigil/mls/sframe: SFrame (RFC 9605) media frame encryption, with keys exported from the MLS
 * epoch (§5.2).
 *
 * - {@link SFrameMlsContext} with {@link sframeKeysFromGroup}: media keys of an MLS group, epoch
 *   by epoch. Most applications need only these.
 * - {@link SFrameContext}: the generic context of §4.4 (keys by KID, replay window) for other key
 *   management schemes.
 * - Header codec (§4.3), cipher suites 1-5 (§4.5), key derivation (§4.4.2): building blocks,
 *   exported for tests and other schemes. Most users won't need them.
 *
 * @example
 * ```ts
 * import { SFrameMlsContext, sframeKeysFromGroup } from '@sigil/mls/sframe';
 * const media = new SFrameMlsContext({ provider, cipherSuite: 1 });
 * media.installEpoch(sframeKeysFromGroup(groupState, { cipherSuite: 1 }));
 * const frame = media.encrypt(rtpMetadata, encodedFrame);
 * const { plaintext, senderLeafIndex } = peerMedia.decrypt(rtpMetadata, frame);
 * ```
 * @module
 */
export { type CtrHmacParams, ctrHmacOpen, ctrHmacSeal, deriveSubkeys } from './aes-ctr-hmac.ts';
export {
  getSFrameCipherSuite,
  isSupportedSFrameCipherSuite,
  type SFrameCipherSuite,
  type SFrameCipherSuiteId,
  type SFrameCipherSuiteName,
} from './cipher-suite.ts';
export { SFrameContext, type SFrameContextOptions, type SFrameDecrypted } from './context.ts';
export {
  decodeSFrameHeader,
  encodeSFrameHeader,
  SFRAME_MAX_HEADER_LENGTH,
  type SFrameHeader,
} from './header.ts';
export {
  deriveSFrameKeySalt,
  sframeKeyLabel,
  sframeNonce,
  sframeSaltLabel,
  sframeSecret,
} from './key-derivation.ts';
export {
  SFRAME_DEFAULT_EPOCH_BITS,
  SFRAME_MAX_EPOCH_BITS,
  SFRAME_MAX_RECEIVE_KEYS,
  SFRAME_MAX_UINT64,
  SFRAME_REPLAY_WINDOW,
} from './limits.ts';
export {
  parseSFrameMlsKeyId,
  SFRAME_BASE_KEY_LABEL,
  type SFrameEpochKeys,
  type SFrameKeyIdLayout,
  SFrameMlsContext,
  type SFrameMlsDecrypted,
  type SFrameMlsKeyIdParts,
  type SFrameMlsOptions,
  sframeKeysFromGroup,
  sframeMlsKeyId,
} from './mls.ts';
