/**
 * `SigilClient`: the SDK an application (the `sigil` CLI, the web client) uses for one device
 * of one account. It hides the protocol: sessions are created from bundles when needed and
 * repaired by resend requests without the application asking.
 *
 * Lifecycle: `createAccount` (or `joinAccount`) once per store, or `open` later; then
 * `connect` (or `open({ connect: true })`) to receive over the WebSocket; `close` at the end.
 * Operations are in account.ts, contacts.ts, send.ts, receive.ts and outbox.ts.
 *
 * @example
 * ```ts
 * const client = new SigilClient({ crypto, store: new MemoryStore(), storageKey });
 * await client.createAccount({ relayUrl: 'http://127.0.0.1:8787', username: 'alice' });
 * client.on('message', (m) => console.log(m.body));
 * client.connect();
 * const bob = await client.findContact('bob');
 * await client.send(bob, 'hello');
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { DeviceCertificateRequest, DeviceKeys, SafetyNumber } from '@sigil/protocol';
import { ContentType } from '@sigil/wire/formats';
import * as account from './account.ts';
import { Background } from './background.ts';
import { Connection } from './connection.ts';
import * as contacts from './contacts.ts';
import { type ClientDeps, defaultTransport, type Transport } from './deps.ts';
import { Emitter, type Listener } from './events.ts';
import { attachGroups, type GroupsContext } from './groups/context.ts';
import * as groups from './groups/operations.ts';
import { refreshGroupKeys, startGroupUpkeep } from './groups/rekey.ts';
import { resyncGroup } from './groups/resync.ts';
import { toHex } from './internal/bytes.ts';
import {
  controlContent,
  encodeContent,
  messageIdBytes,
  messageRow,
  newContent,
  toMessage,
} from './messages.ts';
import { processEnvelope } from './receive.ts';
import type { RelayEnvelope } from './relay-api.ts';
import { type Runtime, resolveOptions, type Services } from './runtime.ts';
import { Sealer } from './sealer.ts';
import { deliver, targetFor } from './send.ts';
import type { AccountInfo, ClientEvents, Contact, GroupSummary, Message } from './types.ts';

/** Options of {@link SigilClient.open}. */
export interface OpenOptions {
  /** Connect the WebSocket to receive messages (default true). */
  readonly connect?: boolean;
}

/** The SDK for one device of one account (see the module comment). */
export class SigilClient {
  readonly #services: Services;
  readonly #transport: Transport;
  readonly #ownsStore: boolean;
  #rt: Runtime | undefined;
  #background: Background | undefined;
  #connection: Connection | undefined;
  #groups: GroupsContext | undefined;
  #unfollow: (() => void) | undefined;

  /** @throws SigilError `INVALID_KEY_LENGTH` unless the storage key is 32 bytes. */
  constructor(deps: ClientDeps) {
    const random = deps.random ?? ((length: number) => deps.crypto.random.bytes(length));
    const clock = deps.clock ?? { now: () => Date.now() };
    this.#services = {
      crypto: deps.crypto,
      protocol: { crypto: deps.crypto, random, now: () => clock.now() },
      store: deps.store,
      sealer: new Sealer(deps.crypto, deps.storageKey, random),
      clock,
      random,
      emitter: new Emitter(),
      options: resolveOptions(deps.options),
      hooks: deps.unsafeTestHooks ?? {},
    };
    this.#transport = deps.transport ?? defaultTransport();
    this.#ownsStore = deps.ownsStore === true;
  }

  /** Adds an event listener; returns a function that removes it. */
  on<K extends keyof ClientEvents>(type: K, listener: Listener<K>): () => void {
    return this.#services.emitter.on(type, listener);
  }

  /** Removes an event listener. */
  off<K extends keyof ClientEvents>(type: K, listener: Listener<K>): void {
    this.#services.emitter.off(type, listener);
  }

  /** The next event of `type` that satisfies `filter`. */
  once<K extends keyof ClientEvents>(
    type: K,
    filter?: (event: ClientEvents[K]) => boolean,
  ): Promise<ClientEvents[K]> {
    return this.#services.emitter.once(type, filter);
  }

  /**
   * Creates an account on a relay with every key generated on this device (account key,
   * device 1, device list v1, prekeys), registers it and uploads the prekeys. The client is
   * then open (call `connect` to receive).
   * @throws SigilError `ACCOUNT_EXISTS`, `USERNAME_TAKEN`, `INVALID_ARGUMENT`, relay codes.
   */
  async createAccount(params: { relayUrl: string; username?: string }): Promise<AccountInfo> {
    this.#requireClosed();
    await this.#started(
      await account.createAccount(this.#services, this.#transport, params),
    ).keyPackages();
    return this.whoami();
  }

  /**
   * Joins an account as a further device, with keys generated here (`createDeviceKeys`) and the
   * certificate the account key holder's `addDevice` returned. The client is then open.
   * @throws SigilError `ACCOUNT_EXISTS`, `DEVICE_NOT_ON_LIST`, relay codes.
   */
  async joinAccount(params: {
    relayUrl: string;
    keys: DeviceKeys;
    certificate: Uint8Array;
    username?: string;
  }): Promise<AccountInfo> {
    this.#requireClosed();
    await this.#started(
      await account.joinAccount(this.#services, this.#transport, params),
    ).keyPackages();
    return this.whoami();
  }

  /**
   * Loads the account from the store, logs in, checks the prekeys and the own device list,
   * resumes queued work, and (unless `connect: false`) connects the WebSocket.
   * @throws SigilError `NO_LOCAL_ACCOUNT`, `STORAGE_KEY_INVALID`, `RELAY_UNREACHABLE`, relay codes.
   */
  async open(options: OpenOptions = {}): Promise<AccountInfo> {
    this.#requireClosed();
    const rt = await account.openAccount(this.#services, this.#transport);
    const background = this.#started(rt);
    try {
      await account.refreshOwnList(rt);
    } catch (error) {
      background.report(error, 'device-list');
    }
    await background.preKeys();
    await background.keyPackages();
    if (options.connect !== false) this.connect();
    return this.whoami();
  }

  /** Starts receiving over the WebSocket (reconnecting automatically). */
  connect(): void {
    const rt = this.#require();
    const background = this.#background as Background;
    this.#connection ??= new Connection(
      this.#transport,
      {
        prepare: async () => {
          await account.login(rt);
          return rt.api.socketUrl();
        },
        onEnvelope: async (envelope) => background.processed(await processEnvelope(rt, envelope)),
        onState: (event) => {
          rt.emitter.emit('connection', event);
          if (event.state === 'open') background.kickOutbox();
        },
        onError: (event) => rt.emitter.emit('error', event),
      },
      {
        baseMs: rt.options.reconnectBaseMs,
        maxMs: rt.options.reconnectMaxMs,
        random: () => {
          const bytes = rt.random(4);
          return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) / 2 ** 32;
        },
      },
    );
    this.#connection.start();
  }

  /** Stops receiving (the client stays open for sending). */
  async disconnect(): Promise<void> {
    await this.#connection?.stop();
  }

  /** Stops everything, waits for work in progress and (with `ownsStore`) closes the store. */
  async close(): Promise<void> {
    await this.#connection?.stop();
    this.#connection = undefined;
    this.#unfollow?.();
    this.#unfollow = undefined;
    await this.#groups?.stop();
    this.#groups = undefined;
    await this.#background?.stop();
    this.#background = undefined;
    this.#rt = undefined;
    if (this.#ownsStore) await this.#services.store.close();
  }

  /** This device's account. @throws SigilError `CLIENT_NOT_OPEN`. */
  whoami(): AccountInfo {
    const rt = this.#require();
    return {
      relayUrl: rt.state.relayUrl,
      accountId: rt.state.accountId,
      username: rt.state.username,
      deviceId: rt.device.deviceId,
      devices: rt.ownList.devices.map((d) => d.deviceId),
      listVersion: rt.ownList.listVersion,
      holdsAccountKey: rt.account !== undefined,
    };
  }

  /** Fetches the own device list again (emits `device-list-changed` on a change). */
  async refreshDevices(): Promise<AccountInfo> {
    await account.refreshOwnList(this.#require());
    return this.whoami();
  }

  /**
   * Certifies a new device's public keys and publishes the device list with it (only on the
   * device holding the account key). Returns the certificate for the new device's
   * `joinAccount`. (How keys and certificate travel between the devices is the application's.)
   */
  async addDevice(request: DeviceCertificateRequest): Promise<Uint8Array> {
    return account.addDevice(this.#require(), request);
  }

  /** Removes another device from the account (only on the device holding the account key). */
  async removeDevice(deviceId: number): Promise<void> {
    const rt = this.#require();
    await account.removeDevice(rt, deviceId);
    // Its leaves leave every group this device is in (a failure is an `error` event).
    await groups.syncGroupsOf(rt, rt.state.accountId);
  }

  /**
   * Deletes the account at the relay (every row it held) and closes the client. The local
   * store keeps its data: delete it too (e.g. the CLI profile directory).
   */
  async deleteAccount(): Promise<void> {
    const rt = this.#require();
    await this.#connection?.stop('account-deleted');
    await rt.api.deleteAccount(rt.state.accountId);
    await this.close();
  }

  /**
   * Finds a contact on the relay by username or account id: pinned on first use, its device
   * list refreshed; a username pointing to a new key emits `identity-changed`.
   * @throws SigilError `NOT_FOUND`, `INVALID_ARGUMENT`, verification and relay codes.
   */
  async findContact(usernameOrAccountId: string): Promise<Contact> {
    return contacts.toContact(await contacts.findContact(this.#require(), usernameOrAccountId));
  }

  /** A stored contact by `Contact`, id, account id or username, or `undefined`. */
  async contact(ref: Contact | string): Promise<Contact | undefined> {
    try {
      return contacts.toContact(await contacts.loadContact(this.#require(), ref));
    } catch (err) {
      if (SigilError.is(err, 'CONTACT_NOT_FOUND')) return undefined;
      throw err;
    }
  }

  /** Every stored contact, oldest first. */
  async contacts(): Promise<Contact[]> {
    const records = await this.#require().store.transaction((tx) => tx.listContacts());
    return records.map(contacts.toContact);
  }

  /** Marks a contact verified after the safety numbers matched. @throws `IDENTITY_CHANGED`. */
  async markVerified(ref: Contact | string): Promise<Contact> {
    return contacts.toContact(await contacts.markVerified(this.#require(), ref));
  }

  /** Accepts a contact's changed account key (sending works again; `verified` is reset). */
  async acceptIdentityChange(ref: Contact | string): Promise<Contact> {
    return contacts.toContact(await contacts.acceptIdentityChange(this.#require(), ref));
  }

  /** The safety number (60 digits, 12 groups, QR payload) of this account and a contact. */
  async safetyNumber(ref: Contact | string): Promise<SafetyNumber> {
    const rt = this.#require();
    return contacts.safetyNumber(rt, await contacts.loadContact(rt, ref));
  }

  /**
   * Sends text or bytes to a contact (a username or account id not stored yet is looked up
   * and pinned first): to every device on its verified list and, as sync copies, to this
   * account's other devices. Returns the message id (32 hex digits).
   * @throws SigilError `IDENTITY_CHANGED`, `CONTACT_NOT_FOUND`, `PAYLOAD_TOO_LARGE`,
   *   `PREKEY_NOT_FOUND`, `NOT_FOUND`, relay codes. A failed sync copy does not throw: it
   *   emits `delivery-failed`.
   */
  async send(ref: Contact | string, body: string | Uint8Array): Promise<string> {
    const rt = this.#require();
    const content = newContent(rt, body);
    const contact = await this.#sendable(rt, ref);
    const plaintext = encodeContent(content);
    await deliver(rt, await targetFor(rt, contact.accountId), plaintext);
    const now = rt.clock.now();
    const row = messageRow(rt, {
      contactId: contact.id,
      direction: 'out',
      senderAccountId: rt.state.accountId,
      senderDeviceId: rt.device.deviceId,
      sentAt: Number(content.sentAt),
      receivedAt: now,
      content,
      plaintext,
    });
    await rt.store.transaction((tx) => tx.putMessage(row));
    if (rt.ownList.devices.length > 1) {
      const copy = encodeContent({ ...content, destination: contact.accountId });
      try {
        await deliver(rt, await targetFor(rt, rt.state.accountId), copy);
      } catch (error) {
        rt.emitter.emit('delivery-failed', {
          accountId: rt.state.accountId,
          messageId: toHex(content.messageId),
          kind: 'sync-copy',
          code: SigilError.is(error) ? error.code : 'INTERNAL',
          error,
        });
      }
    }
    return toHex(content.messageId);
  }

  /** Sends delivered or read receipts for message ids (hex) to a contact. */
  async sendReceipt(
    ref: Contact | string,
    messageIds: readonly string[],
    type: 'delivered' | 'read' = 'read',
  ): Promise<void> {
    const rt = this.#require();
    const contact = await this.#sendable(rt, ref);
    const content = controlContent(rt, {
      tag: ContentType.receipt,
      value: {
        receiptType: type === 'delivered' ? 1 : 2,
        messageIds: messageIds.map(messageIdBytes),
      },
    });
    await deliver(rt, await targetFor(rt, contact.accountId), encodeContent(content));
  }

  /** Stored messages, oldest first: all, or one conversation's, after a sequence number. */
  async messages(
    query: { contact?: Contact | string; after?: number; limit?: number } = {},
  ): Promise<Message[]> {
    const rt = this.#require();
    let contactId: string | undefined;
    if (query.contact !== undefined) {
      try {
        contactId = (await contacts.loadContact(rt, query.contact)).id;
      } catch (err) {
        // A conversation without a contact record (a sync copy to an account not pinned here).
        if (!SigilError.is(err, 'CONTACT_NOT_FOUND') || typeof query.contact !== 'string')
          throw err;
        contactId = query.contact;
      }
    }
    const rows = await rt.store.transaction((tx) =>
      tx.listMessages({ contactId, after: query.after, limit: query.limit ?? 1000 }),
    );
    return rows.map((row) => toMessage(rt, row));
  }

  /**
   * Fetches and processes every queued message over HTTP (without the WebSocket), e.g. for a
   * command that reads the inbox and exits. Returns how many envelopes were processed.
   */
  async receivePending(): Promise<number> {
    const rt = this.#require();
    const background = this.#background as Background;
    let after = '0';
    let count = 0;
    for (;;) {
      const page = await rt.api.poll(after, 100);
      const acked: string[] = [];
      const followUps: (() => void)[] = [];
      try {
        for (const envelope of page.messages) {
          followUps.push(
            background.processed(await processEnvelope(rt, envelope as RelayEnvelope)),
          );
          acked.push(envelope.id);
          after = envelope.id;
        }
      } finally {
        await rt.api.ack(acked);
        for (const run of followUps) run();
      }
      count += page.messages.length;
      if (!page.more) return count;
    }
  }

  /**
   * Creates a group named `name` with `members` (every device of each) and this account's other
   * devices. Emits `group` (`joined`).
   * @throws SigilError `INVALID_ARGUMENT` (bad name), `CONTACT_NOT_FOUND`, `IDENTITY_CHANGED`,
   *   `KEY_PACKAGE_NOT_FOUND` (a contact with no device that can join), relay codes.
   */
  async createGroup(
    name: string,
    members: readonly (Contact | string)[] = [],
  ): Promise<GroupSummary> {
    return groups.createGroup(this.#require(), name, members);
  }

  /**
   * Renames a group: the new name reaches every member device end-to-end encrypted (the relay
   * never sees group names). Emits `group` (`changed`) here and on every member device.
   * @throws SigilError `INVALID_ARGUMENT` (bad name: blank, or over 256 bytes of UTF-8),
   *   `GROUP_NOT_FOUND`, `GROUP_EPOCH_MISMATCH` (after retries), relay codes.
   */
  async renameGroup(groupId: string, name: string): Promise<GroupSummary> {
    return groups.renameGroup(this.#require(), groupId, name);
  }

  /**
   * Adds contacts (every device of each) to a group.
   * @throws SigilError `GROUP_NOT_FOUND`, `CONTACT_NOT_FOUND`, `IDENTITY_CHANGED`,
   *   `KEY_PACKAGE_NOT_FOUND`, `GROUP_EPOCH_MISMATCH` (other members kept committing), relay codes.
   */
  async addToGroup(
    groupId: string,
    contacts: readonly (Contact | string)[],
  ): Promise<GroupSummary> {
    return groups.addToGroup(this.#require(), groupId, contacts);
  }

  /**
   * Removes contacts (every device of each) from a group.
   * @throws SigilError `GROUP_NOT_FOUND`, `CONTACT_NOT_FOUND`, `INVALID_ARGUMENT` (this account:
   *   use `leaveGroup`), `GROUP_EPOCH_MISMATCH`, relay codes.
   */
  async removeFromGroup(
    groupId: string,
    contacts: readonly (Contact | string)[],
  ): Promise<GroupSummary> {
    return groups.removeFromGroup(this.#require(), groupId, contacts);
  }

  /**
   * Leaves a group with every device of this account (another member commits it; the messages
   * stay stored). Emits `group` (`removed`).
   */
  async leaveGroup(groupId: string): Promise<void> {
    await groups.leaveGroup(this.#require(), groupId);
  }

  /**
   * Sends text or bytes to every member device of a group; returns the stored message.
   * @throws SigilError `GROUP_NOT_FOUND`, `PAYLOAD_TOO_LARGE`, `GROUP_EPOCH_MISMATCH`, relay codes.
   */
  async sendToGroup(groupId: string, body: string | Uint8Array): Promise<Message> {
    return groups.sendToGroup(this.#require(), groupId, body);
  }

  /**
   * Refreshes this device's keys in a group (post-compromise security): an empty commit with
   * an UpdatePath. Also automatic (see `GROUP_REKEY_INTERVAL_MS`, `GROUP_REKEY_AFTER_MESSAGES`).
   * Emits `group` (`changed`).
   * @throws SigilError `GROUP_NOT_FOUND`, `GROUP_EPOCH_MISMATCH` (other members kept
   *   committing), relay codes.
   */
  async refreshGroupKeys(groupId: string): Promise<GroupSummary> {
    const rt = this.#require();
    return groups.summarize(rt, await refreshGroupKeys(rt, groupId));
  }

  /**
   * Rejoins a group this device no longer follows (after a `group` event of kind `error`: a
   * commit it refused), by external commit from the relay's GroupInfo, accepting the group as
   * its other members have it. Also repairs a group this device follows. Emits `group`
   * (`resynced`).
   * @throws SigilError `NOT_GROUP_MEMBER`/`GROUP_NOT_FOUND` (emitted as `removed`: this account
   *   is not in the group), `MLS_MISSING_EXTERNAL_PUB` (no GroupInfo yet), `IDENTITY_MISMATCH`
   *   (a member is not its account's device), relay codes.
   */
  async rejoinGroup(groupId: string): Promise<GroupSummary> {
    const rt = this.#require();
    await resyncGroup(rt, groupId);
    const group = await groups.getGroup(rt, groupId);
    if (group === undefined) {
      throw new SigilError('NOT_GROUP_MEMBER', 'this account is not in that group', {
        details: { groupId },
      });
    }
    return group;
  }

  /** Every group this device is in. */
  async listGroups(): Promise<GroupSummary[]> {
    return groups.listGroups(this.#require());
  }

  /** A group this device is in, or `undefined`. */
  async getGroup(groupId: string): Promise<GroupSummary | undefined> {
    return groups.getGroup(this.#require(), groupId);
  }

  /** A group's stored messages, oldest first (also after leaving it). */
  async groupHistory(
    groupId: string,
    options: { after?: number; limit?: number } = {},
  ): Promise<Message[]> {
    return groups.groupHistory(this.#require(), groupId, options);
  }

  /** Checks the prekeys on the relay now (refill, rotation); normally automatic. */
  async maintainPreKeys(): Promise<void> {
    this.#require();
    await this.#background?.preKeyRun();
  }

  /** Sends queued resend requests and resends now; normally automatic. */
  async flushOutbox(): Promise<void> {
    this.#require();
    await this.#background?.flushOutbox();
  }

  /**
   * The contact to send to: a stored one, or (for a username or account id not stored yet) one
   * found on the relay now. @throws SigilError `IDENTITY_CHANGED` while a change is pending.
   */
  async #sendable(rt: Runtime, ref: Contact | string) {
    let contact: Awaited<ReturnType<typeof contacts.loadContact>>;
    try {
      contact = await contacts.loadContact(rt, ref);
    } catch (err) {
      if (!SigilError.is(err, 'CONTACT_NOT_FOUND') || typeof ref !== 'string') throw err;
      contact = await contacts.findContact(rt, ref);
    }
    if (contact.pending !== undefined) throw contacts.identityChanged();
    return contact;
  }

  #require(): Runtime {
    if (this.#rt === undefined) throw new SigilError('CLIENT_NOT_OPEN', 'open the client first');
    return this.#rt;
  }

  #requireClosed(): void {
    if (this.#rt !== undefined)
      throw new SigilError('INVALID_ARGUMENT', 'the client is open already');
  }

  #started(rt: Runtime): Background {
    const background = new Background(rt);
    this.#rt = rt;
    this.#background = background;
    this.#groups = attachGroups(rt, { catchUp: () => this.receivePending() });
    // Own commits a crash left pending are settled; group keys are refreshed when due.
    startGroupUpkeep(rt);
    // A device list that changed moves the groups with it (whoever notices first commits).
    this.#unfollow = rt.emitter.on('device-list-changed', (event) =>
      groups.followDeviceList(rt, event.accountId),
    );
    background.start();
    return background;
  }
}
