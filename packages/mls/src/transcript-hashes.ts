/**
 * Transcript hashes (RFC 9420 §8.2): the running hashes over every Commit that bind each epoch
 * to the group's whole history.
 *
 * ```
 * struct {
 *     WireFormat wire_format;
 *     FramedContent content;     // with content_type == commit
 *     opaque signature<V>;
 * } ConfirmedTranscriptHashInput;
 * struct { MAC confirmation_tag; } InterimTranscriptHashInput;
 *
 * confirmed_transcript_hash_[0] = ""  and  interim_transcript_hash_[0] = ""
 * confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] ||
 *                                      ConfirmedTranscriptHashInput_[n])
 * interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] ||
 *                                      InterimTranscriptHashInput_[n])
 * ```
 *
 * The inputs come from the AuthenticatedContent of the Commit that starts epoch n; its
 * confirmation tag is MAC(confirmation_key_[n], confirmed_transcript_hash_[n]) (key-schedule.ts).
 *
 * @example
 * ```ts
 * const confirmed = confirmedTranscriptHash(suite, interimBefore, commitContent);
 * const interim = interimTranscriptHash(suite, confirmed, commitContent.auth.confirmationTag);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { opaqueVar, Writer } from '@sigil/wire';
import type { CipherSuite } from './cipher-suite.ts';
import { type AuthenticatedContent, FramedContent } from './framing/framed-content.ts';
import { Mac, WireFormat } from './wire/common.ts';

/**
 * The encoded ConfirmedTranscriptHashInput of a commit's AuthenticatedContent (§8.2).
 * @throws SigilError `INVALID_ARGUMENT` if the content is not a commit.
 */
export function encodeConfirmedTranscriptHashInput(commit: AuthenticatedContent): Uint8Array {
  if (commit.content.contentType !== 'commit') {
    throw new SigilError('INVALID_ARGUMENT', 'transcript hashes cover commits only');
  }
  const writer = new Writer({ initialCapacity: 256 });
  WireFormat.encode(writer, commit.wireFormat);
  FramedContent.encode(writer, commit.content);
  opaqueVar.encode(writer, commit.auth.signature);
  return writer.finish();
}

/**
 * confirmed_transcript_hash_[n] from interim_transcript_hash_[n-1] and the Commit (§8.2).
 * @throws SigilError `INVALID_ARGUMENT` if the content is not a commit.
 */
export function confirmedTranscriptHash(
  suite: CipherSuite,
  interimTranscriptHashBefore: Uint8Array,
  commit: AuthenticatedContent,
): Uint8Array {
  const input = encodeConfirmedTranscriptHashInput(commit);
  const data = new Uint8Array(interimTranscriptHashBefore.length + input.length);
  data.set(interimTranscriptHashBefore);
  data.set(input, interimTranscriptHashBefore.length);
  return suite.hash(data);
}

/**
 * interim_transcript_hash_[n] from confirmed_transcript_hash_[n] and the Commit's (or
 * GroupInfo's) confirmation tag (§8.2).
 */
export function interimTranscriptHash(
  suite: CipherSuite,
  confirmedTranscriptHash: Uint8Array,
  confirmationTag: Uint8Array,
): Uint8Array {
  const writer = new Writer({ initialCapacity: confirmedTranscriptHash.length + 40 });
  writer.writeBytes(confirmedTranscriptHash);
  Mac.encode(writer, confirmationTag);
  return suite.hash(writer.finish());
}
