/**
 * `namedEnum`: a TLS enumerated type (RFC 8446 §3.5, as RFC 9420 uses it) whose values are the
 * spec's names on the TypeScript side and integers on the wire, e.g. ContentType
 * `application(1)`, `proposal(2)`, `commit(3)`. Reserved and unknown values are refused both
 * ways, so the codec stays canonical.
 *
 * @example
 * ```ts
 * const ContentType = namedEnum(uint8, { application: 1, proposal: 2, commit: 3 });
 * encode(ContentType, 'commit'); // Uint8Array [3]
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec, Reader, Writer } from '@sigil/wire';

/**
 * A codec for the names of `values` carried as `base` integers.
 * @throws SigilError on encode `INVALID_ARGUMENT` for a name not in `values`; on decode
 *   `CODEC_INVALID_VALUE` for an integer not in `values` (including reserved(0)).
 */
export function namedEnum<const V extends Readonly<Record<string, number>>>(
  base: Codec<number>,
  values: V,
): Codec<keyof V & string> {
  const byName = new Map<string, number>(Object.entries(values));
  const byValue = new Map<number, keyof V & string>();
  for (const [name, value] of byName) byValue.set(value, name as keyof V & string);
  return {
    encode(writer: Writer, name: keyof V & string): void {
      const value = byName.get(name);
      if (value === undefined) {
        throw new SigilError('INVALID_ARGUMENT', `unknown enumerated name: ${String(name)}`);
      }
      base.encode(writer, value);
    },
    decode(reader: Reader): keyof V & string {
      const at = reader.offset;
      const name = byValue.get(base.decode(reader));
      if (name === undefined) {
        throw reader.error('CODEC_INVALID_VALUE', 'unknown enumerated value', { offset: at });
      }
      return name;
    },
  };
}
