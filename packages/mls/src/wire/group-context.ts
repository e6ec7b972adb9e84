/**
 * `GroupContext` (RFC 9420 §8.1): the summary of a group's state that every epoch's key
 * schedule, every member's signature (FramedContentTBS, §6.1) and every UpdatePath
 * encryption (§7.6) is bound to.
 *
 * ```
 * struct {
 *     ProtocolVersion version = mls10;
 *     CipherSuite cipher_suite;
 *     opaque group_id<V>;
 *     uint64 epoch;
 *     opaque tree_hash<V>;
 *     opaque confirmed_transcript_hash<V>;
 *     Extension extensions<V>;
 * } GroupContext;
 * ```
 *
 * @example
 * ```ts
 * const bytes = encodeGroupContext({ version: 1, cipherSuite: 1, groupId, epoch: 0n,
 *   treeHash, confirmedTranscriptHash: new Uint8Array(0), extensions: [] });
 * ```
 * @module
 */
import { encode, type Infer, opaqueVar, struct, uint64 } from '@sigil/wire';
import { CipherSuiteCode, Extensions, ProtocolVersion } from './common.ts';

/** `GroupContext` (§8.1). */
export const GroupContext = struct({
  /** ProtocolVersion: `mls10` (1). */
  version: ProtocolVersion,
  /** The group's cipher suite. */
  cipherSuite: CipherSuiteCode,
  /** The application-chosen group identifier, constant for the group's life. */
  groupId: opaqueVar,
  /** The epoch: 0 at creation, +1 per Commit. */
  epoch: uint64,
  /** The root tree hash of the ratchet tree (§7.8). */
  treeHash: opaqueVar,
  /** The confirmed transcript hash (§8.2); empty at epoch 0. */
  confirmedTranscriptHash: opaqueVar,
  /** The group context extensions. */
  extensions: Extensions,
});
/** A decoded {@link GroupContext}. Treat it as immutable: encodings are cached per object. */
export type GroupContext = Infer<typeof GroupContext>;

const encodings = new WeakMap<GroupContext, Uint8Array>();

/**
 * The TLS encoding of `context`, cached per object (contexts are immutable values and are
 * encoded for every signature and key-schedule step). Do not mutate the returned bytes.
 * @throws SigilError `INVALID_ARGUMENT` if a field cannot be encoded.
 */
export function encodeGroupContext(context: GroupContext): Uint8Array {
  let bytes = encodings.get(context);
  if (bytes === undefined) {
    bytes = encode(GroupContext, context);
    encodings.set(context, bytes);
  }
  return bytes;
}
