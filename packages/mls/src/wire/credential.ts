/**
 * `Credential` (RFC 9420 §5.3): a member's presented identity, basic or X.509.
 *
 * ```
 * uint16 CredentialType;      // basic(1), x509(2)
 * struct { opaque cert_data<V>; } Certificate;
 * struct {
 *     CredentialType credential_type;
 *     select (Credential.credential_type) {
 *         case basic: opaque identity<V>;
 *         case x509:  Certificate certificates<V>;
 *     };
 * } Credential;
 * ```
 *
 * A credential of another type has no length prefix and cannot be skipped, so it does not
 * decode (`CODEC_INVALID_VALUE`); capabilities may still list other types as plain numbers.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { type Codec, opaqueVar, type Reader, uint16, vector, type Writer } from '@sigil/wire';

/** CredentialType values (§17.5). */
export const CREDENTIAL_TYPES = { basic: 1, x509: 2 } as const;

/** A decoded `Credential`. */
export type Credential =
  | {
      readonly credentialType: 'basic';
      /** The application-defined identity. */
      readonly identity: Uint8Array;
    }
  | {
      readonly credentialType: 'x509';
      /** DER certificates, end-entity first (each one `Certificate.cert_data`). */
      readonly certificates: readonly Uint8Array[];
    };

const Certificates = vector(opaqueVar);

/** The `Credential` codec (§5.3). */
export const Credential: Codec<Credential> = {
  encode(writer: Writer, value: Credential): void {
    switch (value.credentialType) {
      case 'basic':
        uint16.encode(writer, CREDENTIAL_TYPES.basic);
        opaqueVar.encode(writer, value.identity);
        return;
      case 'x509':
        uint16.encode(writer, CREDENTIAL_TYPES.x509);
        Certificates.encode(writer, value.certificates);
        return;
      default:
        throw new SigilError('INVALID_ARGUMENT', 'unknown credential type');
    }
  },
  decode(reader: Reader): Credential {
    const at = reader.offset;
    const type = uint16.decode(reader);
    if (type === CREDENTIAL_TYPES.basic) {
      return { credentialType: 'basic', identity: opaqueVar.decode(reader) };
    }
    if (type === CREDENTIAL_TYPES.x509) {
      return { credentialType: 'x509', certificates: Certificates.decode(reader) };
    }
    throw reader.error('CODEC_INVALID_VALUE', 'unknown credential type', { offset: at });
  },
};
