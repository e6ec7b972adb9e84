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
 * - Commit: `processCommit`, whose `validateCredential` hook checks every leaf the commit adds
 *   or updates (and an external joiner's: its account must already be a member) against the
 *   verified device lists before anything changes (lists are fetched before the transaction).
 *   A refused commit leaves the state as it was, but the group moved on without this device:
 *   its state is deleted (history kept), `group` `error` (with the code) and `removed` are
 *   emitted, and `rejoinGroup` (a user action) takes it back in by external commit. Removed
 *   from the group, the state is deleted (`group` event `removed`).
 * - Own pending commit (stored, outcome unknown, groups/commit.ts): a commit of its epoch from
 *   the mailbox means ours lost (discarded, the other one processed); traffic of a later epoch
 *   means ours won (confirmed first).
 * - Cannot follow (a commit of the current epoch that does not process, traffic of an epoch
 *   this device never reached): the device rejoins by external commit (groups/resync.ts).
 *   Traffic of an older epoch is dropped quietly (application messages are still decrypted
 *   from retained epochs).
 * - Proposal: `processProposal` (cached for the epoch's commit); a member's self-Remove (a
 *   leave) is then committed by this member unless another member's commit comes first.
 * - Application message: `decryptApplication` (messages of a past epoch rely on the MLS
 *   package's past-epoch retention), attributed by the sender credential it returns (the leaf
 *   of a past epoch may be blank or another device's by now), stored as conversation
 *   `group:<id>`, `message` emitted with `groupId`. A `group_metadata` content (the group's
 *   name, groups/metadata.ts) is not a message: the name is stored with the state in the same
 *   transaction and `group` `changed` emitted.
 * - A message that does not process (stale, forged, for a group this device left) is dropped
 *   and reported as an `error` event; there is no resend in groups.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  confirmPendingCommit,
  decodeMlsMessage,
  decryptApplication,
  discardPendingCommit,
  type GroupState,
  joinFromWelcome,
  type MlsMessage,
  type ProcessCommitOptions,
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
import { nowSeconds, pendingLeaves } from './commit.ts';
import { groupsOf } from './context.ts';
import {
  type GroupEntry,
  groupIdOf,
  type LeafDevice,
  leafDevices,
  loadEntry,
  parseIdentity,
  saveGroup,
} from './group-record.ts';
import { groupSuite, loadKeyPackage, type OwnKeyPackage } from './key-packages.ts';
import {
  addDeviceLists,
  checkDevices,
  type DeviceLists,
  onList,
  type PresentedDevice,
} from './members.ts';
import { metadataName } from './metadata.ts';
import { commitLeaves, removeDevices } from './operations.ts';
import { resyncGroup } from './resync.ts';

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

/** The leaf check needs the lists of these devices' accounts (fetched outside the lock). */
class NeedLists extends Error {
  readonly devices: readonly PresentedDevice[];
  constructor(devices: readonly PresentedDevice[]) {
    super('device lists needed');
    this.devices = devices;
  }
}

/** The content type of a framed message. */
function contentTypeOf(message: MlsMessage): string | undefined {
  if (message.wireFormat === 'mls_public_message') return message.publicMessage.content.contentType;
  if (message.wireFormat === 'mls_private_message') return message.privateMessage.contentType;
  return undefined;
}

/** The devices a PublicMessage commit's leaves claim (proposals by value and the path). */
function presentedDevices(message: MlsMessage): PresentedDevice[] {
  if (message.wireFormat !== 'mls_public_message') return [];
  const { content } = message.publicMessage;
  if (content.contentType !== 'commit') return [];
  const leaves = [];
  for (const entry of content.commit.proposals) {
    if (entry.type !== 'proposal') continue;
    if (entry.proposal.proposalType === 'add') leaves.push(entry.proposal.keyPackage.leafNode);
    if (entry.proposal.proposalType === 'update') leaves.push(entry.proposal.leafNode);
  }
  if (content.commit.path !== undefined) leaves.push(content.commit.path.leafNode);
  const out: PresentedDevice[] = [];
  for (const leaf of leaves) {
    if (leaf.credential.credentialType !== 'basic') continue;
    const device = parseIdentity(leaf.credential.identity);
    if (device !== undefined) out.push({ ...device, signatureKey: leaf.signatureKey });
  }
  return out;
}

function mismatch(message: string, details: Record<string, string | number> = {}): SigilError {
  return new SigilError('IDENTITY_MISMATCH', message, { details });
}

/**
 * processCommit's leaf check: every leaf a commit adds or updates is a device on its account's
 * verified list with that signing key; an external joiner's account is already a member.
 */
function leafCheck(
  state: GroupState,
  lists: DeviceLists,
): NonNullable<ProcessCommitOptions['validateCredential']> {
  return (leaf, _leafIndex, joiner) => {
    const device =
      leaf.credential.credentialType === 'basic'
        ? parseIdentity(leaf.credential.identity)
        : undefined;
    if (device === undefined) throw mismatch('a group leaf is not a Sigil device');
    const presented = { ...device, signatureKey: leaf.signatureKey };
    const list = lists.get(device.accountId);
    if (list === undefined) throw new NeedLists([presented]);
    if (list === null || !onList(list, presented)) {
      throw mismatch("a group member's leaf is not a device on its account's signed device list", {
        accountId: device.accountId,
        deviceId: device.deviceId,
      });
    }
    if (joiner && !leafDevices(state).some((l) => l.accountId === device.accountId)) {
      throw mismatch('an external commit by an account that is not a member of the group', {
        accountId: device.accountId,
      });
    }
  };
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
  const framed = message;
  // The lists a commit's leaves are checked against (network, so before the transaction).
  const lists: DeviceLists = new Map();
  if (contentTypeOf(framed) === 'commit') {
    if (await rt.store.transaction((tx) => tx.hasEnvelope(hash))) return NOTHING;
    await addDeviceLists(rt, lists, presentedDevices(framed));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await groupsOf(rt).locked(() =>
        rt.store.transaction((tx) => applyEnvelope(rt, tx, groupId, framed, lists, hash)),
      );
      return 'later' in result ? afterCommit(rt, result.later) : result;
    } catch (err) {
      // A private commit's leaves are only known once it is opened: fetch and try again.
      if (!(err instanceof NeedLists) || attempt >= 8) throw err;
      await addDeviceLists(rt, lists, err.devices);
    }
  }
}

/** Applies a framed message in the envelope's transaction. */
async function applyEnvelope(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
  message: MlsMessage,
  lists: DeviceLists,
  hash: Uint8Array,
): Promise<Processed | { later: GroupLater }> {
  if (await tx.hasEnvelope(hash)) return NOTHING;
  const entry = await loadEntry(rt, tx, groupId);
  await tx.putEnvelope(hash, rt.clock.now());
  // Traffic of a group this device left, or was never in, has nothing to act on.
  if (entry === undefined) return NOTHING;
  let handled: Handled;
  try {
    handled = handleMessage(rt, entry, message, lists);
  } catch (error) {
    if (error instanceof NeedLists || !isMessageError(error)) throw error;
    return reported(rt, error);
  }
  rt.hooks.afterDecrypt?.();
  const own = handled.ownConfirmed ? { lastCommitAt: rt.clock.now(), sentSinceCommit: 0 } : {};
  switch (handled.kind) {
    case 'stale':
      return NOTHING;
    case 'resync':
      return { later: { kind: 'resync', groupId } };
    case 'rejected':
      await tx.deleteGroup(groupId);
      return { later: { kind: 'rejected', groupId, error: handled.error } };
    case 'removed':
      await tx.deleteGroup(groupId);
      return { later: { kind: 'removed', groupId } };
    case 'commit':
      await saveGroup(rt, tx, handled.state, own);
      return { later: { kind: 'commit', groupId, leaving: handled.leaving } };
    case 'proposal':
      await saveGroup(rt, tx, handled.state, own);
      return { later: { kind: 'proposal', groupId, leave: handled.leave } };
    case 'application': {
      let content: Content;
      try {
        content = decode(Content, handled.data);
      } catch (error) {
        await saveGroup(rt, tx, handled.state, own);
        return reported(rt, error);
      }
      const name = metadataName(content);
      if (name !== undefined && handled.sender !== undefined) {
        // The group's name (never a message): stored with the state, in this transaction.
        await saveGroup(rt, tx, handled.state, { ...own, name });
        return { ...NOTHING, emit: () => rt.emitter.emit('group', { groupId, kind: 'changed' }) };
      }
      await saveGroup(rt, tx, handled.state, own);
      return storeApplication(rt, tx, groupId, handled, content);
    }
  }
}

type Handled = { ownConfirmed: boolean } & (
  | { kind: 'removed' }
  | { kind: 'stale' }
  | { kind: 'resync' }
  | { kind: 'rejected'; error: SigilError }
  | { kind: 'commit'; state: GroupState; leaving: LeafDevice[] }
  | { kind: 'proposal'; state: GroupState; leave: boolean }
  | {
      kind: 'application';
      state: GroupState;
      data: Uint8Array;
      sender: { accountId: string; deviceId: number } | undefined;
    }
);

type GroupLater =
  | { kind: 'removed'; groupId: string }
  | { kind: 'resync'; groupId: string }
  | { kind: 'rejected'; groupId: string; error: SigilError }
  | { kind: 'commit'; groupId: string; leaving: LeafDevice[] }
  | { kind: 'proposal'; groupId: string; leave: boolean };

/** The epoch in a framed message's header. */
function epochOf(message: MlsMessage): bigint {
  if (message.wireFormat === 'mls_public_message') return message.publicMessage.content.epoch;
  if (message.wireFormat === 'mls_private_message') return message.privateMessage.epoch;
  return -1n;
}

/**
 * The state to apply `message` to, given an own pending commit of unknown outcome: a commit of
 * its epoch won instead of it (discarded); traffic of a later epoch follows it (confirmed).
 * `undefined` when the message cannot be applied (an external join that lost: resync).
 */
function settleWith(
  rt: Runtime,
  entry: GroupEntry,
  message: MlsMessage,
): { state: GroupState; confirmed: boolean } | 'stale' | 'resync' {
  const { pending, state } = entry;
  if (pending === undefined) return { state, confirmed: false };
  const epoch = epochOf(message);
  if (epoch > pending.epoch) {
    return { state: confirmPendingCommit(state, { now: nowSeconds(rt) }), confirmed: true };
  }
  // A joiner has no keys of the epochs before its join.
  if (pending.external) return epoch === pending.epoch && isCommit(message) ? 'resync' : 'stale';
  if (epoch === pending.epoch && isCommit(message)) {
    return { state: discardPendingCommit(state), confirmed: false };
  }
  return { state, confirmed: false };
}

const isCommit = (message: MlsMessage) => contentTypeOf(message) === 'commit';

/** Applies one framed message to the state (pure: throws for a message that does not apply). */
function handleMessage(
  rt: Runtime,
  entry: GroupEntry,
  message: MlsMessage,
  lists: DeviceLists,
): Handled {
  const settled = settleWith(rt, entry, message);
  if (settled === 'stale') return { kind: 'stale', ownConfirmed: false };
  if (settled === 'resync') return { kind: 'resync', ownConfirmed: false };
  const { state, confirmed: ownConfirmed } = settled;
  const contentType = contentTypeOf(message);
  const epoch = epochOf(message);
  const current = state.groupContext.epoch;
  // Traffic of an epoch this device never reached: it missed commits and cannot follow.
  if (epoch > current) return { kind: 'resync', ownConfirmed };
  const now = nowSeconds(rt);
  if (contentType === 'application') {
    const received = decryptApplication(state, message, { now });
    // Attributed by the leaf that signed it in ITS epoch, not the current tree's leaf.
    const sender =
      received.senderCredential.credentialType === 'basic'
        ? parseIdentity(received.senderCredential.identity)
        : undefined;
    return {
      kind: 'application',
      ownConfirmed,
      state: received.state,
      data: received.data,
      sender,
    };
  }
  // A commit or proposal of an epoch this member already left has nothing left to change
  // (the members that saw it in its epoch act on it).
  if (epoch < current) return { kind: 'stale', ownConfirmed };
  if (contentType === 'proposal') {
    const next = processProposal(state, message);
    // A leave (a member's Remove of its own account's leaves) is committed by a member.
    return { kind: 'proposal', ownConfirmed, state: next, leave: pendingLeaves(next).length > 0 };
  }
  // Members that asked to leave in this epoch (their proposal may not be in this commit).
  const asked = new Set(pendingLeaves(state));
  const leaving = leafDevices(state).filter((l) => asked.has(l.leafIndex));
  let processed: ReturnType<typeof processCommit>;
  try {
    processed = processCommit(state, message, {
      now,
      validateCredential: leafCheck(state, lists),
    });
  } catch (error) {
    if (error instanceof NeedLists || !isMessageError(error)) throw error;
    // A leaf that is not its account's device: refused (see the module comment).
    if (SigilError.is(error, 'IDENTITY_MISMATCH')) {
      return { kind: 'rejected', ownConfirmed, error: error as SigilError };
    }
    // The group moved to an epoch this device cannot compute: rejoin it.
    return { kind: 'resync', ownConfirmed };
  }
  if (processed.removedSelf) return { kind: 'removed', ownConfirmed };
  const still = leaving.filter((l) => {
    const leaf = processed.state.tree.leafNode(l.leafIndex);
    return leaf !== undefined && bytesEqual(leaf.signatureKey, l.signatureKey);
  });
  return { kind: 'commit', ownConfirmed, state: processed.state, leaving: still };
}

/** Stores a decrypted application message (in the envelope's transaction). */
async function storeApplication(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
  handled: Extract<Handled, { kind: 'application' }>,
  content: Content,
): Promise<Processed> {
  if (bodyOf(content) === undefined) return NOTHING;
  // The MLS sender (authenticated by its leaf signature in the message's epoch), never the
  // relay's word (`envelope.sender`).
  const sender = handled.sender;
  if (sender === undefined) {
    return reported(rt, mismatch('a group message from a leaf that is not a Sigil device'));
  }
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
  switch (later.kind) {
    case 'removed':
      return { ...NOTHING, emit: () => rt.emitter.emit('group', { groupId, kind: 'removed' }) };
    case 'resync':
      return { ...NOTHING, emit: () => context.run(rt, () => resyncGroup(rt, groupId)) };
    case 'rejected':
      return {
        ...NOTHING,
        emit: () => {
          const { error } = later;
          rt.emitter.emit('error', { code: error.code, error, during: 'group' });
          rt.emitter.emit('group', { groupId, kind: 'error', code: error.code });
          rt.emitter.emit('group', { groupId, kind: 'removed' });
        },
      };
    case 'commit':
      return {
        ...NOTHING,
        emit: () => {
          rt.emitter.emit('group', { groupId, kind: 'changed' });
          // A leave proposed in the old epoch and not in this commit is still to commit.
          if (later.leaving.length > 0) {
            context.run(rt, () => removeDevices(rt, groupId, later.leaving));
          }
        },
      };
    case 'proposal':
      return {
        ...NOTHING,
        emit: () => {
          if (later.leave) context.run(rt, () => commitLeaves(rt, groupId));
        },
      };
  }
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
