/**
 * Reinitialization (RFC 9420 §11.2, §12.1.5): a group's parameters (group_id, protocol
 * version, cipher suite, GroupContext extensions) cannot change in place, so a member commits a
 * ReInit proposal, alone. The epoch that Commit starts is the group's last: nothing more can be
 * sent, proposed or committed in it (`MLS_GROUP_REINITIALIZED`). Any member then creates the
 * new group with the ReInit's parameters and, in its first Commit, adds the other members and
 * injects the old group's last resumption PSK (psk_type resumption, usage reinit); the members
 * join from the Welcome with `joinFromWelcome({ ..., reinitFrom: endedState })`, which checks
 * the link (reinit-psk.ts).
 *
 * @example
 * ```ts
 * const reinit = createCommit(a, { proposals: [{ proposalType: 'reinit', groupId, version: 1,
 *   cipherSuite: 3, extensions: [] }] });
 * const ended = confirmPendingCommit(reinit.state);          // b: processCommit(b, reinit.commit)
 * const next = createReinitGroup({ state: ended, keyPackage, privateKeys,
 *   memberKeyPackages: [bobKp] });
 * const bob = joinFromWelcome({ suite, welcome, ...bobKeys, reinitFrom: bobEnded });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { getCipherSuite } from '../cipher-suite.ts';
import type { MlsMessage } from '../framing/mls-message.ts';
import { PROTOCOL_VERSION_MLS10 } from '../wire/common.ts';
import type { KeyPackage } from '../wire/key-package.ts';
import type { Proposal } from '../wire/proposal.ts';
import { confirmPendingCommit, createCommit } from './commit.ts';
import { createGroup } from './create-group.ts';
import type { GroupState } from './group-state.ts';
import type { KeyPackagePrivateKeys } from './key-package.ts';

/** Options of {@link createReinitGroup}. */
export interface CreateReinitGroupOptions {
  /** This member's state of the group a committed ReInit ended. */
  readonly state: GroupState;
  /** This member's KeyPackage for the new group (in the ReInit's suite) and its keys. */
  readonly keyPackage: KeyPackage;
  readonly privateKeys: KeyPackagePrivateKeys;
  /** The other members' KeyPackages for the new group. */
  readonly memberKeyPackages: readonly KeyPackage[];
  /** Whether the Welcome's GroupInfo carries the ratchet tree (default true). */
  readonly ratchetTreeExtension?: boolean;
  /** The current time in seconds, for KeyPackage lifetimes (unchecked when omitted). */
  readonly now?: bigint;
}

/** The result of {@link createReinitGroup}. */
export interface ReinitGroup {
  /** The creator's state of the new group, in epoch 1. */
  readonly state: GroupState;
  /** The Welcome for the other members (absent if there are none). */
  readonly welcome?: MlsMessage | undefined;
}

/**
 * Creates the group that replaces one ended by a ReInit (§11.2): the ReInit's group_id,
 * version, suite and extensions; the other members added by the first Commit, which injects
 * the ended group's last resumption PSK with usage reinit. The new group has no other member
 * yet, so its first Commit is confirmed at once.
 * @throws SigilError `INVALID_ARGUMENT` if `state` was not ended by a ReInit;
 *   `UNSUPPORTED_VERSION` for a version other than MLS 1.0; `UNSUPPORTED_ALGORITHM` for an
 *   unsupported suite; the KeyPackage codes (e.g. `MLS_CIPHER_SUITE_MISMATCH` for a KeyPackage
 *   of another suite).
 */
export function createReinitGroup(options: CreateReinitGroupOptions): ReinitGroup {
  const { state } = options;
  const reinit = state.reinit;
  if (reinit === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'the group was not ended by a ReInit');
  }
  if (reinit.version !== PROTOCOL_VERSION_MLS10) {
    throw new SigilError('UNSUPPORTED_VERSION', 'the ReInit names an unsupported version', {
      details: { version: reinit.version },
    });
  }
  const suite = getCipherSuite(state.suite.provider, reinit.cipherSuite);
  const created = createGroup({
    suite,
    groupId: reinit.groupId,
    keyPackage: options.keyPackage,
    privateKeys: options.privateKeys,
    extensions: reinit.extensions,
  });
  const proposals: Proposal[] = options.memberKeyPackages.map((keyPackage) => ({
    proposalType: 'add',
    keyPackage,
  }));
  proposals.push({
    proposalType: 'psk',
    psk: {
      pskType: 'resumption',
      usage: 'reinit',
      pskGroupId: state.groupContext.groupId,
      // The epoch the ReInit's Commit started: the old group's last (§11.2).
      pskEpoch: state.groupContext.epoch,
      pskNonce: suite.provider.random.bytes(suite.hashLength),
    },
  });
  const first = createCommit(created, {
    proposals,
    reinitFrom: state,
    ...(options.ratchetTreeExtension !== undefined
      ? { ratchetTreeExtension: options.ratchetTreeExtension }
      : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  // Nobody else holds epoch 0 of the new group: nothing of it is worth retaining.
  const next = confirmPendingCommit(first.state);
  return { state: { ...next, retainedEpochs: [] }, welcome: first.welcome };
}
