/**
 * Receiving one envelope from the relay, exactly once (DESIGN.md, Client): in ONE store
 * transaction the envelope is checked against the ones already processed, parsed, its session
 * record and prekeys loaded, decrypted (the protocol's two-phase decrypt), and then the new
 * record, the deletion of consumed one-time prekeys, the recorded last-resort use, the
 * envelope's hash and the message are committed together. After the commit the caller emits
 * the events, and only then acknowledges the envelope to the relay.
 *
 * - A crash before the commit leaves the old record and every prekey: the redelivered envelope
 *   decrypts again. A crash after it: the redelivery's hash is known and it is dropped (and
 *   acknowledged). A second copy of a message (a resend) is dropped by (sender, message id).
 * - An envelope that cannot be decrypted (no session, a lost or corrupted one, a missing
 *   prekey, a failed authentication on every session, bytes that do not parse) never reaches
 *   the user as "unable to decrypt": a `resend-request` for its hash is queued in the outbox
 *   in the same transaction, and the envelope is acknowledged after that commit (outbox.ts
 *   sends the request; the sender resends over a fresh session).
 * - A PreKeyMessage's initiator certificate must be signed by the key the relay-authenticated
 *   sender account id commits to, for the sender's device id (`IDENTITY_MISMATCH` otherwise,
 *   which counts as undecryptable). A new sender account is pinned (TOFU) from that key.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type DecryptMessageResult,
  decodeSignedDeviceList,
  decryptMessage,
  type PreKeySecrets,
  parseIncoming,
} from '@sigil/protocol';
import { decode } from '@sigil/wire';
import { Content, ContentType } from '@sigil/wire/formats';
import { processGroupEnvelope } from './groups/receive.ts';
import { accountIdOf, fromBase64url, isAccountId, toHex } from './internal/bytes.ts';
import { MAX_RESENDS } from './limits.ts';
import { bodyOf, messageRow, toMessage } from './messages.ts';
import { loadPreKeySecrets } from './prekeys.ts';
import type { RelayEnvelope } from './relay-api.ts';
import type { Runtime } from './runtime.ts';
import { loadSession, saveSession } from './sessions.ts';
import type { ContactRecord, StoreTransaction } from './store.ts';

/** What processing an envelope left to do once it is committed. */
export interface Processed {
  /** Emits the envelope's events (after the commit, before the acknowledgement). */
  readonly emit: () => void;
  /** Outbox work was queued. */
  readonly outbox: boolean;
  /** One-time prekeys were used (check the relay's counts soon). */
  readonly usedPreKeys: boolean;
  /** A Welcome used one of this device's MLS KeyPackages (check the relay's count soon). */
  readonly usedKeyPackage?: boolean;
  /**
   * An account to fetch the device list of: its held list lacks the sending device, or it is a
   * sync copy's destination without a contact here yet.
   */
  readonly staleList: string | undefined;
}

const NOTHING: Processed = {
  emit: () => {},
  outbox: false,
  usedPreKeys: false,
  staleList: undefined,
};

interface Sender {
  readonly accountId: string;
  readonly deviceId: number;
}

/** Whether an error is about the message (it cannot be decrypted), not about this device. */
function isMessageError(err: unknown): boolean {
  return SigilError.is(err) && err.category !== 'Storage' && err.category !== 'Internal';
}

/**
 * Processes one envelope (see the module comment). Resolves once it is committed.
 * @throws SigilError `STORAGE_FAILURE` (do not acknowledge; it will be redelivered); whatever
 *   a test hook throws.
 */
export async function processEnvelope(rt: Runtime, envelope: RelayEnvelope): Promise<Processed> {
  const sender = envelope.sender;
  let bytes: Uint8Array;
  try {
    if (!isAccountId(sender?.accountId) || !Number.isInteger(sender.deviceId)) throw new Error();
    bytes = fromBase64url(envelope.ciphertext);
  } catch (error) {
    const err = new SigilError(
      'RELAY_RESPONSE_INVALID',
      'the relay delivered a malformed envelope',
    );
    return {
      ...NOTHING,
      emit: () => rt.emitter.emit('error', { code: err.code, error, during: 'receive' }),
    };
  }
  const hash = rt.crypto.hash.digest('sha256', bytes);
  if (envelope.groupId !== undefined) return processGroupEnvelope(rt, envelope, bytes, hash);
  const now = rt.clock.now();
  const result = await rt.store.transaction(async (tx): Promise<Processed> => {
    if (await tx.hasEnvelope(hash)) return NOTHING;
    let decrypted: DecryptMessageResult;
    try {
      decrypted = await decrypt(rt, tx, sender, bytes);
    } catch (err) {
      if (!isMessageError(err)) throw err;
      await tx.putEnvelope(hash, now);
      if (SigilError.is(err, 'DUPLICATE_MESSAGE')) return NOTHING;
      await tx.putOutbox({
        kind: 'resend-request',
        accountId: sender.accountId,
        deviceId: sender.deviceId,
        hash,
        createdAt: now,
        attempts: 0,
      });
      return { ...NOTHING, outbox: true };
    }
    rt.hooks.afterDecrypt?.();
    await saveSession(rt, tx, sender.accountId, sender.deviceId, decrypted.record);
    const { consumed } = decrypted;
    if (consumed.oneTimePreKeyId !== undefined)
      await tx.deletePreKey('one-time', consumed.oneTimePreKeyId);
    if (consumed.kemPreKeyId !== undefined) await tx.deletePreKey('kem', consumed.kemPreKeyId);
    if (consumed.lastResortUse !== undefined) {
      const use = consumed.lastResortUse;
      await tx.putLastResortUse(use.kemPreKeyId, use.ciphertextHash);
    }
    await tx.putEnvelope(hash, now);
    const handled = await handleContent(rt, tx, sender, decrypted, now);
    return {
      ...handled,
      usedPreKeys: consumed.oneTimePreKeyId !== undefined || consumed.kemPreKeyId !== undefined,
    };
  });
  return result;
}

/** Parses, loads what decryption needs and decrypts (nothing is written). */
async function decrypt(
  rt: Runtime,
  tx: StoreTransaction,
  sender: Sender,
  bytes: Uint8Array,
): Promise<DecryptMessageResult> {
  const checkPeer = (accountKey: Uint8Array, deviceId: number): void => {
    if (deviceId !== sender.deviceId || accountIdOf(rt.crypto, accountKey) !== sender.accountId) {
      throw new SigilError('IDENTITY_MISMATCH', 'the message is not from the device that sent it');
    }
  };
  const incoming = parseIncoming(bytes);
  const record = await loadSession(rt, tx, sender.accountId, sender.deviceId);
  let prekeys: PreKeySecrets | undefined;
  let seen = false;
  if (incoming.kind === 'prekey') {
    const secrets = await loadPreKeySecrets(rt, tx, incoming.prekeyIds);
    prekeys = {
      signedPreKey: secrets.signedPreKey,
      oneTimePreKey: secrets.oneTimePreKey,
      kemPreKey: secrets.kemPreKey,
    };
    if (secrets.lastResort) {
      const ciphertextHash = rt.crypto.hash.digest('sha256', incoming.kemCiphertext);
      seen = await tx.hasLastResortUse(incoming.prekeyIds.kemPreKeyId, ciphertextHash);
    }
  }
  const result = decryptMessage(rt.protocol, {
    local: rt.device,
    record,
    message: incoming,
    prekeys,
    seenLastResort: () => seen,
    peerCheck: (peer) => checkPeer(peer.accountKey, peer.deviceId),
  });
  checkPeer(result.peer.accountKey, result.peer.deviceId);
  return result;
}

/** Stores or acts on a decrypted content; returns what to emit. */
async function handleContent(
  rt: Runtime,
  tx: StoreTransaction,
  sender: Sender,
  decrypted: DecryptMessageResult,
  now: number,
): Promise<Processed> {
  let content: Content;
  try {
    content = decode(Content, decrypted.plaintext);
  } catch (error) {
    // Authentic, but not a content this version understands: nothing to repair.
    const code = SigilError.is(error) ? error.code : 'INTERNAL';
    return { ...NOTHING, emit: () => rt.emitter.emit('error', { code, error, during: 'receive' }) };
  }
  const own = sender.accountId === rt.state.accountId;
  let staleList = await listLacksSender(rt, tx, sender, own);
  const { body } = content;
  if (body.tag === ContentType.resendRequest) {
    let queued = false;
    for (const hash of body.value.envelopeHashes) {
      const sent = await tx.getSent(sender.accountId, sender.deviceId, hash);
      if (sent === undefined || sent.resends >= MAX_RESENDS) continue;
      await tx.putOutbox({
        kind: 'resend',
        accountId: sender.accountId,
        deviceId: sender.deviceId,
        hash,
        createdAt: now,
        attempts: 0,
      });
      queued = true;
    }
    return { ...NOTHING, outbox: queued, staleList };
  }
  const conversation = await conversationOf(rt, tx, sender, own, content, decrypted, now);
  // A sync copy for an account this device has no contact for: fetch and pin it (its id is the
  // account id, the conversation's).
  if (
    own &&
    conversation !== rt.state.accountId &&
    (await tx.getContact(conversation)) === undefined
  ) {
    staleList ??= conversation;
  }
  if (body.tag === ContentType.receipt) {
    if (own) return { ...NOTHING, staleList };
    const event = {
      contactId: conversation,
      sender,
      type: body.value.receiptType === 1 ? ('delivered' as const) : ('read' as const),
      messageIds: body.value.messageIds.map(toHex),
    };
    return { ...NOTHING, staleList, emit: () => rt.emitter.emit('receipt', event) };
  }
  if (bodyOf(content) === undefined) return { ...NOTHING, staleList };
  const row = messageRow(rt, {
    contactId: conversation,
    direction: own ? 'out' : 'in',
    senderAccountId: sender.accountId,
    senderDeviceId: sender.deviceId,
    sentAt: Number(content.sentAt),
    receivedAt: now,
    content,
    plaintext: decrypted.plaintext,
  });
  const seq = await tx.putMessage(row);
  if (seq === undefined) return { ...NOTHING, staleList };
  const message = toMessage(rt, { ...row, seq });
  return { ...NOTHING, staleList, emit: () => rt.emitter.emit('message', message) };
}

/**
 * The conversation (contact id) of a content: the sender's contact (pinned now if new), or for
 * a sync copy from an own device, the contact of its destination.
 */
async function conversationOf(
  rt: Runtime,
  tx: StoreTransaction,
  sender: Sender,
  own: boolean,
  content: Content,
  decrypted: DecryptMessageResult,
  now: number,
): Promise<string> {
  if (own) {
    const destination = content.destination ?? rt.state.accountId;
    const contact = await tx.getContactByAccountId(destination);
    return contact?.id ?? destination;
  }
  const known = await tx.getContactByAccountId(sender.accountId);
  if (known !== undefined) return known.id;
  const contact: ContactRecord = {
    id: sender.accountId,
    accountId: sender.accountId,
    accountKey: decrypted.peer.accountKey,
    username: undefined,
    verified: false,
    deviceList: undefined,
    listVersion: 0n,
    pending: undefined,
    addedAt: now,
  };
  await tx.putContact(contact);
  return contact.id;
}

/** The sender's account id if the device list held for it does not name the sender. */
async function listLacksSender(
  rt: Runtime,
  tx: StoreTransaction,
  sender: Sender,
  own: boolean,
): Promise<string | undefined> {
  const devices = own
    ? rt.ownList.devices
    : await tx
        .getContactByAccountId(sender.accountId)
        .then((c) =>
          c?.deviceList === undefined ? [] : decodeSignedDeviceList(c.deviceList).tbs.devices,
        );
  return devices.some((d) => d.deviceId === sender.deviceId) ? undefined : sender.accountId;
}
