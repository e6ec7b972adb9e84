/**
 * The protocol version byte that opens every versioned Sigil v1 structure
 * (spec/one-to-one.md §2: `uint8 version = 1`).
 *
 * Decoding any other value raises `UNSUPPORTED_VERSION` (category `Validation`): the bytes
 * parse, but they were written by a protocol version this code does not speak. That code is
 * distinct from the `Codec` codes so that a caller can tell "upgrade needed" from "garbage".
 *
 * @example
 * ```ts
 * const Message = struct({ version: ProtocolVersion, body: opaqueVar });
 * decode(Message, bytes); // UNSUPPORTED_VERSION if bytes[0] !== 1
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec } from '../codec.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';

/** The one protocol version this code speaks: 1. */
export const PROTOCOL_VERSION = 1;

/**
 * `uint8 version = 1`: encodes and accepts only {@link PROTOCOL_VERSION}.
 *
 * @throws SigilError on decode `UNSUPPORTED_VERSION` for any other byte, `CODEC_TRUNCATED` at
 *   the end of input; on encode `INVALID_ARGUMENT` for any other value.
 */
export const ProtocolVersion: Codec<typeof PROTOCOL_VERSION> = {
  encode(writer: Writer, value: typeof PROTOCOL_VERSION): void {
    if (value !== PROTOCOL_VERSION) {
      throw new SigilError('INVALID_ARGUMENT', 'protocol version must be 1');
    }
    writer.writeUint8(value);
  },
  decode(reader: Reader): typeof PROTOCOL_VERSION {
    const at = reader.offset;
    const value = reader.readUint8();
    if (value !== PROTOCOL_VERSION) {
      throw reader.error('UNSUPPORTED_VERSION', 'unsupported protocol version', {
        offset: at,
        version: value,
      });
    }
    return PROTOCOL_VERSION;
  },
};
