/**
 * Receiving group traffic (groups-api.md, "Mailbox delivery"): an envelope with `groupId`
 * carries an MLSMessage of that group. Like receive.ts, everything one envelope changes (the
 * group state, a consumed KeyPackage secret, the stored message, the envelope's hash) is
 * committed in ONE store transaction before the envelope is acknowledged; a redelivered
 * envelope is dropped by its hash.
 *
 * - Welcome: the KeyPackage it names (by ref) is loaded, the group joined (`joinFromWelcome`),
 *   and every leaf checked against its account's verified signed device list (identity
 *   `${accountId}/${deviceId}`, signature key = that device's DSK; unknown accounts are fetched
 *   and pinned) before anything is stored; a one-time KeyPackage's secret is deleted.
 * - Commit: `processCommit`; removed from the group, the state is deleted (`group` event
 *   `removed`). Leaves it added are checked like a Welcome's (a mismatch is reported).
 * - Proposal: `processProposal` (cached for the epoch's commit); a member's self-Remove (a
 *   leave) is then committed by this member unless another member's commit comes first.
 * - Application message: `decryptApplication` (messages of a past epoch rely on the MLS
 *   package's past-epoch retention), stored as conversation `group:<id>`, `message` emitted
 *   with `groupId`.
 * - A message that does not process (stale, forged, for a group this device left) is dropped
 *   and reported as an `error` event; there is no resend in groups.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  decodeMlsMessage,
  decryptApplication,
  type GroupState,
  joinFromWelcome,
  type MlsMessage,
  processCommit,
  processProposal,
  type Welcome,
} from '@sigil/mls';
import { decode } from '@sigil/wire';
import { Content } from '@sigil/wire/formats';
import { bytesEqual, toHex } from '../internal/bytes.ts';
import { bodyOf, GROUP_CONVERSATION_PREFIX, messageRow, toMessage } from '../messages.ts';
import type { Processed } from '../receive.ts';
import type { RelayEnvelope } from '../relay-api.ts';
import type { Runtime } from '../runtime.ts';
import type { StoreTransaction } from '../store.ts';
import { pendingLeaves } from './commit.ts';
import { groupsOf } from './context.ts';
import {
  groupIdOf,
  type LeafDevice,
  leafDevices,
  loadGroup,
  parseIdentity,
  saveGroup,
} from './group-record.ts';
import { groupSuite, loadKeyPackage, type OwnKeyPackage } from './key-packages.ts';
import { checkDevices } from './members.ts';
import { commitLeaves, removeDevices } from './operations.ts';

const NOTHING: Processed = {
  emit: () => {},
  outbox: false,
  usedPreKeys: false,
  staleList: undefined,
};

/**
 * Whether an error is about the message, not about this device or the moment (storage, the
 * network, a rate limit, a bug): those are rethrown, so the envelope is not acknowledged and
 * comes again.
 */
function isMessageError(err: unknown): boolean {
  return (
    SigilError.is(err) &&
    err.category !== 'Storage' &&
    err.category !== 'Internal' &&
    err.code !== 'RATE_LIMITED'
  );
}

function reported(rt: Runtime, error: unknown): Processed {
  const code = SigilError.is(error) ? error.code : 'INTERNAL';
  return { ...NOTHING, emit: () => rt.emitter.emit('error', { code, error, during: 'group' }) };
}

/** A dropped envelope: its hash recorded (in its own transaction), the reason reported. */
async function drop(rt: Runtime, hash: Uint8Array, error: unknown): Promise<Processed> {
  await rt.store.transaction((tx) => tx.putEnvelope(hash, rt.clock.now()));
  return reported(rt, error);
}

/**
 * Processes one group envelope (see the module comment). Resolves once it is committed.
 * @throws SigilError `STORAGE_FAILURE` (do not acknowledge; it will be redelivered).
 */
export async function processGroupEnvelope(
  rt: Runtime,
  envelope: RelayEnvelope,
  bytes: Uint8Array,
  hash: Uint8Array,
): Promise<Processed> {
  const groupId = envelope.groupId as string;
  let message: MlsMessage;
  try {
    message = decodeMlsMessage(bytes);
  } catch (error) {
    return drop(rt, hash, error);
  }
  if (message.wireFormat === 'mls_welcome') return joinGroup(rt, groupId, message.welcome, hash);
  if (message.wireFormat !== 'mls_public_message' && message.wireFormat !== 'mls_private_message') {
    return drop(rt, hash, new SigilError('INVALID_ARGUMENT', 'not a group message'));
  }
  const result = await groupsOf(rt).locked(() =>
    rt.store.transaction(async (tx): Promise<Processed | { later: GroupLater }> => {
      if (await tx.hasEnvelope(hash)) return NOTHING;
      const state = await loadGroup(rt, tx, groupId);
      await tx.putEnvelope(hash, rt.clock.now());
      // Traffic of a group this device left, or was never in, has nothing to act on.
      if (state === undefined) return NOTHING;
      let handled: Handled;
      try {
        handled = handleMessage(rt, state, message);
      } catch (error) {
        if (!isMessageError(error)) throw error;
        return reported(rt, error);
      }
      rt.hooks.afterDecrypt?.();
      if (handled.kind === 'stale') return NOTHING;
      if (handled.kind === 'removed') {
        await tx.deleteGroup(groupId);
        return { later: { kind: 'removed', groupId } };
      }
      await saveGroup(rt, tx, handled.state);
      if (handled.kind === 'commit') {
        const { added, leaving } = handled;
        return { later: { kind: 'commit', groupId, added, leaving } };
      }
      if (handled.kind === 'proposal') {
        return { later: { kind: 'proposal', groupId, leave: handled.leave } };
      }
      return storeApplication(rt, tx, groupId, handled, envelope);
    }),
  );
  return 'later' in result ? afterCommit(rt, result.later) : result;
}

type Handled =
  | { kind: 'removed' }
  | { kind: 'stale' }
  | { kind: 'commit'; state: GroupState; added: LeafDevice[]; leaving: LeafDevice[] }
  | { kind: 'proposal'; state: GroupState; leave: boolean }
  | { kind: 'application'; state: GroupState; data: Uint8Array; senderLeafIndex: number };

type GroupLater =
  | { kind: 'removed'; groupId: string }
  | { kind: 'commit'; groupId: string; added: LeafDevice[]; leaving: LeafDevice[] }
  | { kind: 'proposal'; groupId: string; leave: boolean };

/** The epoch in a framed message's header. */
function epochOf(message: MlsMessage): bigint {
  if (message.wireFormat === 'mls_public_message') return message.publicMessage.content.epoch;
  if (message.wireFormat === 'mls_private_message') return message.privateMessage.epoch;
  return -1n;
}

/** Applies one framed message to the state (pure: throws for a message that does not apply). */
function handleMessage(rt: Runtime, state: GroupState, message: MlsMessage): Handled {
  const contentType =
    message.wireFormat === 'mls_public_message'
      ? message.publicMessage.content.contentType
      : message.wireFormat === 'mls_private_message'
        ? message.privateMessage.contentType
        : undefined;
  if (contentType === 'application') {
    const received = decryptApplication(state, message);
    return { kind: 'application', ...received };
  }
  if (contentType === 'proposal') {
    // A proposal of an epoch this member's own commit ended lost its chance: the members that
    // saw it in its epoch act on it.
    if (epochOf(message) < state.groupContext.epoch) return { kind: 'stale' };
    const next = processProposal(state, message);
    // A leave (a member's Remove of its own account's leaves) is committed by a member.
    return { kind: 'proposal', state: next, leave: pendingLeaves(next).length > 0 };
  }
  const before = new Set(leafDevices(state).map((l) => l.leafIndex));
  // Members that asked to leave in this epoch (their proposal may not be in this commit).
  const asked = new Set(pendingLeaves(state));
  const leaving = leafDevices(state).filter((l) => asked.has(l.leafIndex));
  const processed = processCommit(state, message, {
    now: BigInt(Math.floor(rt.clock.now() / 1000)),
  });
  if (processed.removedSelf) return { kind: 'removed' };
  const added = leafDevices(processed.state).filter((l) => {
    const old = before.has(l.leafIndex) ? state.tree.leafNode(l.leafIndex) : undefined;
    return old === undefined || !bytesEqual(old.signatureKey, l.signatureKey);
  });
  const still = leaving.filter((l) => {
    const leaf = processed.state.tree.leafNode(l.leafIndex);
    return leaf !== undefined && bytesEqual(leaf.signatureKey, l.signatureKey);
  });
  return { kind: 'commit', state: processed.state, added, leaving: still };
}

/** Stores a decrypted application message (in the envelope's transaction). */
async function storeApplication(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
  handled: Extract<Handled, { kind: 'application' }>,
  envelope: RelayEnvelope,
): Promise<Processed> {
  let content: Content;
  try {
    content = decode(Content, handled.data);
  } catch (error) {
    return reported(rt, error);
  }
  if (bodyOf(content) === undefined) return NOTHING;
  // The MLS sender (authenticated by its leaf signature), not the relay's word.
  const leaf = handled.state.tree.leafNode(handled.senderLeafIndex);
  const device =
    leaf?.credential.credentialType === 'basic'
      ? parseIdentity(leaf.credential.identity)
      : undefined;
  const sender = device ?? envelope.sender;
  const now = rt.clock.now();
  const row = messageRow(rt, {
    contactId: GROUP_CONVERSATION_PREFIX + groupId,
    direction: sender.accountId === rt.state.accountId ? 'out' : 'in',
    senderAccountId: sender.accountId,
    senderDeviceId: sender.deviceId,
    sentAt: Number(content.sentAt),
    receivedAt: now,
    content,
    plaintext: handled.data,
  });
  const seq = await tx.putMessage(row);
  if (seq === undefined) return NOTHING;
  const message = toMessage(rt, { ...row, seq });
  return { ...NOTHING, emit: () => rt.emitter.emit('message', message) };
}

/** The events and follow-up work of a committed commit or proposal. */
function afterCommit(rt: Runtime, later: GroupLater): Processed {
  const context = groupsOf(rt);
  const { groupId } = later;
  if (later.kind === 'removed') {
    return { ...NOTHING, emit: () => rt.emitter.emit('group', { groupId, kind: 'removed' }) };
  }
  if (later.kind === 'commit') {
    return {
      ...NOTHING,
      emit: () => {
        rt.emitter.emit('group', { groupId, kind: 'changed' });
        // New leaves must be devices on their accounts' verified lists (reported otherwise).
        if (later.added.length > 0) context.run(rt, () => checkDevices(rt, later.added));
        // A leave proposed in the old epoch and not in this commit is still to commit.
        if (later.leaving.length > 0)
          context.run(rt, () => removeDevices(rt, groupId, later.leaving));
      },
    };
  }
  return {
    ...NOTHING,
    emit: () => {
      if (later.leave) context.run(rt, () => commitLeaves(rt, groupId));
    },
  };
}

/** The KeyPackage of this device a Welcome is for, if this device holds it. */
async function welcomeKeyPackage(
  rt: Runtime,
  welcome: Welcome,
): Promise<{ ref: string; own: OwnKeyPackage } | undefined> {
  return rt.store.transaction(async (tx) => {
    for (const secret of welcome.secrets) {
      const ref = toHex(secret.newMember);
      const own = await loadKeyPackage(rt, tx, ref);
      if (own !== undefined) return { ref, own };
    }
    return undefined;
  });
}

/** Joins a group from a Welcome (see the module comment). */
async function joinGroup(
  rt: Runtime,
  groupId: string,
  welcome: Welcome,
  hash: Uint8Array,
): Promise<Processed> {
  if (await rt.store.transaction((tx) => tx.hasEnvelope(hash))) return NOTHING;
  let state: GroupState;
  let ref: string;
  let own: OwnKeyPackage;
  try {
    const found = await welcomeKeyPackage(rt, welcome);
    if (found === undefined) {
      throw new SigilError(
        'MLS_WELCOME_NOT_FOR_US',
        'no KeyPackage of this device is in the Welcome',
      );
    }
    ({ ref, own } = found);
    state = joinFromWelcome({
      suite: groupSuite(rt),
      welcome,
      keyPackage: own.keyPackage,
      privateKeys: own.privateKeys,
      validateCredential: (credential) =>
        credential.credentialType === 'basic' && parseIdentity(credential.identity) !== undefined,
    });
    if (groupIdOf(state) !== groupId) {
      throw new SigilError('MLS_WRONG_GROUP_ID', 'the Welcome is for another group');
    }
    // Network: lists of accounts not seen yet are fetched and pinned here.
    await checkDevices(rt, leafDevices(state));
  } catch (error) {
    if (!isMessageError(error)) throw error;
    return drop(rt, hash, error);
  }
  const joined = await groupsOf(rt).locked(() =>
    rt.store.transaction(async (tx) => {
      if (await tx.hasEnvelope(hash)) return false;
      await tx.putEnvelope(hash, rt.clock.now());
      const row = await tx.getKeyPackageSecret(ref);
      if (row === undefined) return false;
      await saveGroup(rt, tx, state);
      if (!row.lastResort) await tx.deleteKeyPackageSecret(ref);
      return true;
    }),
  );
  if (!joined) return NOTHING;
  return {
    ...NOTHING,
    // The KeyPackage count is checked soon (Background refills; after the last-resort one was
    // used, the one-time ones are gone).
    usedKeyPackage: true,
    emit: () => rt.emitter.emit('group', { groupId, kind: 'joined' }),
  };
}
