/**
 * The public value types of the SDK: the account, contacts, messages, and the events a
 * `SigilClient` emits.
 *
 * @module
 */

/** This device's account, as `whoami` shows it. */
export interface AccountInfo {
  /** The relay's base URL (`http://127.0.0.1:8787`). */
  readonly relayUrl: string;
  /** base64url(SHA-256(account key)), 43 characters. */
  readonly accountId: string;
  /** The username registered with the account, if any. */
  readonly username: string | undefined;
  /** This device's id on the account's device list. */
  readonly deviceId: number;
  /** The device ids on the account's latest verified device list. */
  readonly devices: readonly number[];
  /** The version of that list. */
  readonly listVersion: bigint;
  /** Whether this device holds the account key (it can add devices). */
  readonly holdsAccountKey: boolean;
}

/** A contact: an account this device pinned (trust on first use). */
export interface Contact {
  /** Stable local id (the account id the contact was first pinned to). */
  readonly id: string;
  /** The account id messages go to. */
  readonly accountId: string;
  /** The username it was found by, if any. */
  readonly username: string | undefined;
  /** The user compared safety numbers (`markVerified`). Reset by an accepted identity change. */
  readonly verified: boolean;
  /**
   * The username now points to another account key: sending throws `IDENTITY_CHANGED` until
   * `acceptIdentityChange`.
   */
  readonly identityChanged: boolean;
  /** Device ids on the contact's latest verified device list (empty before it is fetched). */
  readonly devices: readonly number[];
  /** When the contact was added, ms since the epoch. */
  readonly addedAt: number;
}

/** What a message carries. */
export type MessageBody =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'bytes'; readonly data: Uint8Array };

/** A stored message: received from a contact, or sent by this account (on any own device). */
export interface Message {
  /** Local sequence number, increasing in the order messages were stored on this device. */
  readonly seq: number;
  /** The conversation: the contact's id. */
  readonly contactId: string;
  /** `in`: from the contact; `out`: sent by this account. */
  readonly direction: 'in' | 'out';
  /** The message id (32 hex digits), the same on every device. */
  readonly id: string;
  /** The sending account and device. */
  readonly sender: { readonly accountId: string; readonly deviceId: number };
  /** The sender's clock when sent, ms (not authenticated time). */
  readonly sentAt: number;
  /** When this device stored it, ms. */
  readonly receivedAt: number;
  readonly body: MessageBody;
  /** For a group message: the group's id (base64url); `contactId` is `group:<groupId>`. */
  readonly groupId?: string;
}

/** A member account of a group and its devices in the group. */
export interface GroupMember {
  readonly accountId: string;
  /** The contact's username (or this account's own), when known. */
  readonly username?: string;
  readonly deviceIds: readonly number[];
}

/** A group this device is in. */
export interface GroupSummary {
  /** The MLS group id, base64url. */
  readonly id: string;
  /**
   * The group's name: given at creation or by the last rename, learned from the group's
   * encrypted traffic (never visible to the relay). '' until this device learns it (a device
   * that just joined); show a neutral label then.
   */
  readonly name: string;
  readonly members: readonly GroupMember[];
  /** The current MLS epoch. */
  readonly epoch: bigint;
}

/**
 * This device joined a group, a group's membership changed, or this device left or was removed;
 * `resynced`: the device could not follow the group and rejoined it by external commit (messages
 * of the epochs it skipped are lost); `error`: a commit was refused (`code`, e.g. a leaf that is
 * not a device on its account's signed list), and the device no longer follows the group
 * (a `removed` event follows; `rejoinGroup` takes it back in, accepting the group as it is).
 */
export interface GroupEvent {
  readonly groupId: string;
  readonly kind: 'joined' | 'changed' | 'removed' | 'resynced' | 'error';
  /** For `error`: the error code. */
  readonly code?: string;
}

/** A contact's username now points to a different account key. */
export interface IdentityChangedEvent {
  readonly contact: Contact;
  /** The account id the contact was pinned to. */
  readonly previousAccountId: string;
  /** The account id the username now resolves to. */
  readonly newAccountId: string;
}

/** A contact's (or this account's) device list has a new version under the same account key. */
export interface DeviceListChangedEvent {
  /** The contact, or `undefined` for this device's own account. */
  readonly contact: Contact | undefined;
  readonly accountId: string;
  readonly listVersion: bigint;
  readonly added: readonly number[];
  /** Devices that left the list; their sessions were dropped. */
  readonly removed: readonly number[];
}

/** Something the client sent in the background could not be delivered. */
export interface DeliveryFailedEvent {
  /** The account it was for. */
  readonly accountId: string;
  /** The message id, when it was a message (hex). */
  readonly messageId: string | undefined;
  /** What failed: a sync copy to own devices, a resend, or a resend request. */
  readonly kind: 'sync-copy' | 'resend' | 'resend-request';
  /** The error's code. */
  readonly code: string;
  readonly error: unknown;
}

/** The state of the WebSocket connection to the relay. */
export interface ConnectionEvent {
  /**
   * `connecting`; `open` (socket up); `synced` (the queued messages were processed);
   * `offline` (waiting `retryInMs` before the next attempt); `closed` (stopped: by `close()`,
   * or for good with a `reason`).
   */
  readonly state: 'connecting' | 'open' | 'synced' | 'offline' | 'closed';
  /** For `offline`: the delay before the next attempt. */
  readonly retryInMs?: number;
  /** For `closed` and `offline`: why (`closed`, `replaced`, `device-removed`, ...). */
  readonly reason?: string;
}

/** Delivered or read receipts from a contact. */
export interface ReceiptEvent {
  readonly contactId: string;
  readonly sender: { readonly accountId: string; readonly deviceId: number };
  readonly type: 'delivered' | 'read';
  /** The message ids (hex). */
  readonly messageIds: readonly string[];
}

/** A background failure that is not tied to one delivery (storage, relay, a bad envelope). */
export interface ClientErrorEvent {
  readonly code: string;
  readonly error: unknown;
  /** What the client was doing. */
  readonly during:
    | 'receive'
    | 'prekeys'
    | 'outbox'
    | 'connection'
    | 'device-list'
    | 'listener'
    | 'group';
}

/** Every event a `SigilClient` emits, by name. */
export interface ClientEvents {
  message: Message;
  'identity-changed': IdentityChangedEvent;
  'device-list-changed': DeviceListChangedEvent;
  'delivery-failed': DeliveryFailedEvent;
  connection: ConnectionEvent;
  receipt: ReceiptEvent;
  error: ClientErrorEvent;
  group: GroupEvent;
}
