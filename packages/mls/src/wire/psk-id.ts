/**
 * `PreSharedKeyID` and `PSKLabel` (RFC 9420 §8.4): which pre-shared key a Commit or Welcome
 * injects into the key schedule, and the label that binds each PSK to its position.
 *
 * ```
 * enum { reserved(0), external(1), resumption(2), (255) } PSKType;
 * enum { reserved(0), application(1), reinit(2), branch(3), (255) } ResumptionPSKUsage;
 * struct {
 *   PSKType psktype;
 *   select (PreSharedKeyID.psktype) {
 *     case external:   opaque psk_id<V>;
 *     case resumption: ResumptionPSKUsage usage; opaque psk_group_id<V>; uint64 psk_epoch;
 *   };
 *   opaque psk_nonce<V>;
 * } PreSharedKeyID;
 * struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel;
 * ```
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type Codec,
  type Infer,
  opaqueVar,
  type Reader,
  struct,
  uint8,
  uint16,
  uint64,
  type Writer,
} from '@sigil/wire';
import { namedEnum } from './named-enum.ts';

/** PSKType values (§8.4). */
export const PSK_TYPES = { external: 1, resumption: 2 } as const;

/** `ResumptionPSKUsage` (§8.4). */
export const ResumptionPskUsage = namedEnum(uint8, { application: 1, reinit: 2, branch: 3 });
/** A ResumptionPSKUsage name. */
export type ResumptionPskUsage = Infer<typeof ResumptionPskUsage>;

/** A decoded `PreSharedKeyID` (§8.4). */
export type PreSharedKeyId = (
  | {
      readonly pskType: 'external';
      /** The application's identifier of the external PSK. */
      readonly pskId: Uint8Array;
    }
  | {
      readonly pskType: 'resumption';
      readonly usage: ResumptionPskUsage;
      /** The group whose resumption_psk this is. */
      readonly pskGroupId: Uint8Array;
      /** The epoch whose resumption_psk this is. */
      readonly pskEpoch: bigint;
    }
) & {
  /** A fresh random value of KDF.Nh bytes, so a PSK used twice still differs (§8.4). */
  readonly pskNonce: Uint8Array;
};

/** The `PreSharedKeyID` codec (§8.4). */
export const PreSharedKeyId: Codec<PreSharedKeyId> = {
  encode(writer: Writer, value: PreSharedKeyId): void {
    switch (value.pskType) {
      case 'external':
        uint8.encode(writer, PSK_TYPES.external);
        opaqueVar.encode(writer, value.pskId);
        break;
      case 'resumption':
        uint8.encode(writer, PSK_TYPES.resumption);
        ResumptionPskUsage.encode(writer, value.usage);
        opaqueVar.encode(writer, value.pskGroupId);
        uint64.encode(writer, value.pskEpoch);
        break;
      default:
        throw new SigilError('INVALID_ARGUMENT', 'unknown PSK type');
    }
    opaqueVar.encode(writer, value.pskNonce);
  },
  decode(reader: Reader): PreSharedKeyId {
    const at = reader.offset;
    const type = uint8.decode(reader);
    if (type === PSK_TYPES.external) {
      const pskId = opaqueVar.decode(reader);
      return { pskType: 'external', pskId, pskNonce: opaqueVar.decode(reader) };
    }
    if (type === PSK_TYPES.resumption) {
      const usage = ResumptionPskUsage.decode(reader);
      const pskGroupId = opaqueVar.decode(reader);
      const pskEpoch = uint64.decode(reader);
      return {
        pskType: 'resumption',
        usage,
        pskGroupId,
        pskEpoch,
        pskNonce: opaqueVar.decode(reader),
      };
    }
    throw reader.error('CODEC_INVALID_VALUE', 'unknown PSK type', { offset: at });
  },
};

/** `PSKLabel` (§8.4): the context of each PSK's "derived psk" expansion. */
export const PskLabel = struct({
  id: PreSharedKeyId,
  /** Position of this PSK in the list. */
  index: uint16,
  /** Number of PSKs in the list. */
  count: uint16,
});
/** A {@link PskLabel} value. */
export type PskLabel = Infer<typeof PskLabel>;
