/**
 * The epoch transition shared by committers and receivers (RFC 9420 §8, §8.2, §12.4): the new
 * GroupContext with the confirmed transcript hash, the key schedule with commit_secret and
 * psk_secret, and the PSK values a Commit or Welcome names.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import type { AuthenticatedContent } from '../framing/framed-content.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { advanceKeySchedule, type EpochSecrets } from '../key-schedule.ts';
import { computePskSecret, type PskInput } from '../psk.ts';
import { confirmedTranscriptHash } from '../transcript-hashes.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { PreSharedKeyId } from '../wire/psk-id.ts';
import type { ResumptionPsk } from './group-state.ts';

/** The application's external PSKs: the PSK of `pskId`, or undefined if it has none. */
export type ExternalPskLookup = (pskId: Uint8Array) => Uint8Array | undefined;

/** Another group whose resumption PSKs may be named (the group a ReInit ended, §11.2). */
export interface PriorGroup {
  readonly groupId: Uint8Array;
  readonly resumptionPsks: readonly ResumptionPsk[];
}

/**
 * The PSK values of `ids` (§8.4): resumption PSKs of this group from `resumptionPsks` (or of
 * `prior` from its own), external ones from `externalPsks`.
 * @throws SigilError `MLS_UNKNOWN_PSK` for a PSK this member does not hold.
 */
export function resolvePsks(
  ids: readonly PreSharedKeyId[],
  groupId: Uint8Array,
  resumptionPsks: readonly ResumptionPsk[],
  externalPsks: ExternalPskLookup | undefined,
  prior?: PriorGroup,
): PskInput[] {
  return ids.map((id) => {
    let psk: Uint8Array | undefined;
    if (id.pskType === 'external') psk = externalPsks?.(id.pskId);
    else if (bytesEqual(id.pskGroupId, groupId)) {
      psk = resumptionPsks.find((r) => r.epoch === id.pskEpoch)?.psk;
    } else if (prior !== undefined && bytesEqual(id.pskGroupId, prior.groupId)) {
      psk = prior.resumptionPsks.find((r) => r.epoch === id.pskEpoch)?.psk;
    }
    if (psk === undefined) {
      throw new SigilError('MLS_UNKNOWN_PSK', 'a PSK named by the Commit is not held (§8.4)', {
        details: { pskType: id.pskType },
      });
    }
    return { id, psk };
  });
}

/** The inputs of {@link enterEpoch}. */
export interface EpochTransitionInput {
  readonly suite: CipherSuite;
  /** The provisional GroupContext of the new epoch (§12.4.1): new epoch, tree hash, extensions. */
  readonly provisional: GroupContext;
  /** interim_transcript_hash of the previous epoch. */
  readonly interimTranscriptHash: Uint8Array;
  /** The signed Commit (its confirmation tag is not needed). */
  readonly commit: AuthenticatedContent;
  /** init_secret of the previous epoch. */
  readonly initSecret: Uint8Array;
  /** commit_secret (zero without a path). */
  readonly commitSecret?: Uint8Array | undefined;
  readonly psks: readonly PskInput[];
}

/** The new epoch's GroupContext and secrets. */
export interface EnteredEpoch {
  readonly groupContext: GroupContext;
  readonly epochSecrets: EpochSecrets;
}

/** The new GroupContext (confirmed transcript hash of `commit`) and the key schedule (§8). */
export function enterEpoch(input: EpochTransitionInput): EnteredEpoch {
  const { suite } = input;
  const confirmed = confirmedTranscriptHash(suite, input.interimTranscriptHash, input.commit);
  const groupContext: GroupContext = { ...input.provisional, confirmedTranscriptHash: confirmed };
  const epochSecrets = advanceKeySchedule(suite, {
    initSecret: input.initSecret,
    commitSecret: input.commitSecret,
    pskSecret: input.psks.length > 0 ? computePskSecret(suite, input.psks) : undefined,
    groupContext,
  });
  return { groupContext, epochSecrets };
}
