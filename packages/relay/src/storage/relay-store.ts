/**
 * The relay's storage interface: every row the relay keeps, behind one asynchronous interface.
 * Implementations: `sqlite/` (node:sqlite, one process or several on one host) and `postgres/`
 * (`pg`, several instances on one database); test/storage/store-suite.ts checks both.
 *
 * Contract for implementers:
 * - Every method that changes more than one row does so atomically (one transaction).
 * - A method that resolves has made its change durable: a send that the relay acknowledged
 *   survives a crash of the process (and, with the default settings, of the machine).
 * - Getters resolve `undefined` when a row is absent and reject only on I/O failure
 *   (`STORAGE_FAILURE`).
 * - The store holds only public data and ciphertext: public keys, signed lists, hashed tokens.
 *
 * @module
 */

/** One device of an account, as its current signed device list names it. */
export interface DeviceRecord {
  readonly deviceId: number;
  /** Ed25519 device signing key (32 bytes): checks authentication and prekey signatures. */
  readonly signingKey: Uint8Array;
  /** The encoded DeviceCertificateTBS of this device on the list (compared to uploads). */
  readonly certificateTbs: Uint8Array;
}

/** An account and its current signed device list. */
export interface AccountRecord {
  readonly accountId: string;
  /** Ed25519 account key (32 bytes). */
  readonly accountKey: Uint8Array;
  /** The encoded SignedDeviceList, exactly as the account key signed it. */
  readonly deviceList: Uint8Array;
  /** The list's version. */
  readonly listVersion: bigint;
  readonly username: string | undefined;
  readonly createdAt: number;
}

/** A new account: the account row and its devices. */
export interface NewAccount {
  readonly accountId: string;
  readonly accountKey: Uint8Array;
  readonly deviceList: Uint8Array;
  readonly listVersion: bigint;
  readonly username: string | undefined;
  readonly devices: readonly DeviceRecord[];
  readonly createdAt: number;
}

/** The outcome of {@link RelayStore.createAccount}. */
export type CreateAccountResult = 'created' | 'account-exists' | 'username-taken';

/** The outcome of {@link RelayStore.replaceDeviceList}. */
export type ReplaceDeviceListResult =
  | { readonly status: 'replaced'; readonly removedDeviceIds: readonly number[] }
  | { readonly status: 'not-found' }
  /** The stored version is not the one the caller checked against (a concurrent change). */
  | { readonly status: 'stale'; readonly currentVersion: bigint };

/** An authentication challenge. */
export interface ChallengeRecord {
  readonly challengeId: string;
  readonly accountId: string;
  readonly deviceId: number;
  readonly nonce: Uint8Array;
  readonly expiresAt: number;
}

/** A bearer token, stored as the SHA-256 of the token. */
export interface TokenRecord {
  readonly tokenHash: Uint8Array;
  readonly accountId: string;
  readonly deviceId: number;
  readonly expiresAt: number;
}

/** One stored prekey: its id and its encoded, signature-checked wire form. */
export interface StoredKey {
  readonly keyId: number;
  readonly bytes: Uint8Array;
}

/** A key upload of one device; absent fields leave the stored ones unchanged. */
export interface KeyUpload {
  /** Encoded DeviceCertificate. */
  certificate?: Uint8Array;
  signedPreKey?: StoredKey;
  readonly oneTimePreKeys: readonly StoredKey[];
  readonly kemPreKeys: readonly StoredKey[];
  lastResortKemPreKey?: StoredKey;
}

/** The outcome of {@link RelayStore.putKeys}. */
export type PutKeysResult =
  | { readonly status: 'stored' }
  | { readonly status: 'not-found' }
  /** Storing the one-time keys would exceed `maxStored` for that kind. */
  | { readonly status: 'too-many'; readonly kind: 'one-time' | 'kem' };

/** How many keys a device has left. */
export interface KeyCounts {
  readonly oneTimePreKeys: number;
  readonly kemPreKeys: number;
  readonly signedPreKeyId: number | undefined;
  readonly lastResortKemPreKeyId: number | undefined;
  readonly hasCertificate: boolean;
}

/**
 * The parts of one device's prekey bundle. A one-time X25519 key and a one-time KEM key, when
 * present, have been removed from the store by the same transaction that returned them.
 */
export interface BundleParts {
  readonly deviceId: number;
  readonly certificate: Uint8Array;
  readonly signedPreKey: Uint8Array;
  readonly oneTimePreKey: Uint8Array | undefined;
  /** A one-time KEM prekey if one was left, else the last-resort one. */
  readonly kemPreKey: Uint8Array;
}

/** The outcome of {@link RelayStore.takeBundles}. */
export interface TakeBundlesResult {
  readonly bundles: readonly BundleParts[];
  /** Devices on the list that have not uploaded a certificate, signed and last-resort key. */
  readonly missingDeviceIds: readonly number[];
}

/** One message to store for one device. */
export interface OutgoingMessage {
  readonly deviceId: number;
  readonly ciphertext: Uint8Array;
}

/** A send: one ciphertext for each device of the recipient's current list. */
export interface NewSend {
  readonly senderAccountId: string;
  readonly senderDeviceId: number;
  readonly recipientAccountId: string;
  /** A device of the recipient not to expect (the sender's own device on a send to itself). */
  readonly excludeDeviceId: number | undefined;
  readonly messages: readonly OutgoingMessage[];
  readonly receivedAt: number;
}

/** The outcome of {@link RelayStore.enqueue}. */
export type EnqueueResult =
  | { readonly status: 'stored'; readonly ids: readonly bigint[] }
  | { readonly status: 'not-found' }
  | {
      readonly status: 'device-set-mismatch';
      readonly missingDeviceIds: readonly number[];
      readonly extraDeviceIds: readonly number[];
    };

/** A queued message as delivered. */
export interface StoredMessage {
  /** The server sequence number: increasing, never reused. */
  readonly id: bigint;
  readonly senderAccountId: string;
  readonly senderDeviceId: number;
  readonly ciphertext: Uint8Array;
  readonly receivedAt: number;
  /** Set for group traffic: the group whose MLSMessage `ciphertext` is (absent: a 1:1 send). */
  readonly groupId?: Uint8Array;
}

/** Rows removed by {@link RelayStore.purgeExpired}. */
export interface PurgeResult {
  readonly messages: number;
  readonly challenges: number;
  readonly tokens: number;
}

/** One KeyPackage as stored: its KeyPackageRef and its encoded MLSMessage, as uploaded. */
export interface StoredKeyPackage {
  readonly ref: Uint8Array;
  readonly bytes: Uint8Array;
}

/** A KeyPackage upload of one device. */
export interface KeyPackageUpload {
  /** One-time KeyPackages; one whose ref is already stored is kept once. */
  readonly keyPackages: readonly StoredKeyPackage[];
  /** Replaces the device's last-resort KeyPackage. */
  readonly lastResort?: StoredKeyPackage | undefined;
}

/** How many KeyPackages a device has on the relay. */
export interface KeyPackageCount {
  /** One-time KeyPackages left. */
  readonly count: number;
  readonly hasLastResort: boolean;
}

/** The outcome of {@link RelayStore.putKeyPackages}. */
export type PutKeyPackagesResult =
  | ({ readonly status: 'stored' } & KeyPackageCount)
  | { readonly status: 'not-found' }
  /** Storing the one-time KeyPackages would exceed `maxStored`: nothing was stored. */
  | { readonly status: 'too-many' };

/** One claimed KeyPackage. */
export interface ClaimedKeyPackage {
  readonly deviceId: number;
  /** The encoded MLSMessage. */
  readonly bytes: Uint8Array;
  /** Whether it is the device's last-resort KeyPackage (handed out again, not deleted). */
  readonly lastResort: boolean;
}

/** The outcome of {@link RelayStore.claimKeyPackages}. */
export interface ClaimKeyPackagesResult {
  readonly keyPackages: readonly ClaimedKeyPackage[];
  /** Devices of the account with neither a one-time nor a last-resort KeyPackage. */
  readonly missingDeviceIds: readonly number[];
}

/** A device in a group: one MLS leaf. */
export interface GroupMember {
  readonly accountId: string;
  readonly deviceId: number;
}

/** A group as the relay knows it (the delivery service's view: no secret). */
export interface GroupRecord {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  /** Member devices, ordered by account id then device id. */
  readonly members: readonly GroupMember[];
  /** The encoded MLSMessage GroupInfo of the current epoch, if the last commit carried one. */
  readonly groupInfo: Uint8Array | undefined;
}

/** The outcome of {@link RelayStore.createGroup}. */
export type CreateGroupResult = 'created' | 'exists' | 'device-not-found';

/** A commit to apply to a group (contract step 5, and the external join). */
export interface GroupCommit {
  readonly groupId: Uint8Array;
  readonly sender: GroupMember;
  /**
   * `member`: the sender must be a member device. `external`: an external commit; the sender's
   * account must have a member device, and the sender becomes a member.
   */
  readonly kind: 'member' | 'external';
  /** The epoch the commit was made in: it must be the group's current epoch. */
  readonly epoch: bigint;
  /** The encoded commit, enqueued to every member before the change except the sender. */
  readonly commit: Uint8Array;
  /** The encoded Welcome, enqueued to every device of `add`. */
  readonly welcome?: Uint8Array | undefined;
  /** The GroupInfo of the new epoch (absent: the group has no current GroupInfo). */
  readonly groupInfo?: Uint8Array | undefined;
  readonly add: readonly GroupMember[];
  readonly remove: readonly GroupMember[];
  readonly receivedAt: number;
}

/** Why a group operation was refused (nothing changed). */
export type GroupRefusal =
  | { readonly status: 'not-found' }
  | { readonly status: 'not-member' }
  | { readonly status: 'epoch-mismatch'; readonly currentEpoch: bigint };

/** The outcome of {@link RelayStore.commitGroup}. */
export type GroupCommitResult =
  | {
      readonly status: 'committed';
      readonly epoch: bigint;
      /** The devices a message was stored for (to wake). */
      readonly delivered: readonly GroupMember[];
    }
  | GroupRefusal
  /** Devices of `add` that do not exist on the relay. */
  | { readonly status: 'device-not-found'; readonly missing: readonly GroupMember[] };

/** A group message (application or proposal) to fan out. */
export interface GroupSend {
  readonly groupId: Uint8Array;
  readonly sender: GroupMember;
  /** The message's epoch: it must be the group's current epoch. */
  readonly epoch: bigint;
  readonly message: Uint8Array;
  readonly receivedAt: number;
}

/** The outcome of {@link RelayStore.sendGroupMessage}. */
export type GroupSendResult =
  | {
      readonly status: 'stored';
      readonly ids: readonly bigint[];
      readonly delivered: readonly GroupMember[];
    }
  | GroupRefusal;

/** A device leaving a group, with its optional self-Remove proposal. */
export interface GroupLeave {
  readonly groupId: Uint8Array;
  readonly sender: GroupMember;
  readonly proposal?: { readonly epoch: bigint; readonly message: Uint8Array } | undefined;
  readonly receivedAt: number;
}

/** The outcome of {@link RelayStore.leaveGroup}. */
export type GroupLeaveResult =
  | { readonly status: 'left'; readonly delivered: readonly GroupMember[] }
  | GroupRefusal;

/** Every row the relay keeps. */
export interface RelayStore {
  /** Creates the account and its devices, unless the account or the username exists. */
  createAccount(account: NewAccount): Promise<CreateAccountResult>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  getAccountIdByUsername(username: string): Promise<string | undefined>;
  getDevice(accountId: string, deviceId: number): Promise<DeviceRecord | undefined>;
  /**
   * Replaces the device list if the stored version is still `expectedVersion`. Devices that left
   * the list, or whose certificate changed, lose their keys, KeyPackages, group memberships,
   * mailbox and tokens.
   */
  replaceDeviceList(
    accountId: string,
    expectedVersion: bigint,
    deviceList: Uint8Array,
    listVersion: bigint,
    devices: readonly DeviceRecord[],
  ): Promise<ReplaceDeviceListResult>;
  /** Erases every row of the account. Resolves false if there was none. */
  deleteAccount(accountId: string): Promise<boolean>;

  createChallenge(challenge: ChallengeRecord): Promise<void>;
  /** Removes and returns the challenge: a challenge can be taken once. */
  takeChallenge(challengeId: string): Promise<ChallengeRecord | undefined>;
  createToken(token: TokenRecord): Promise<void>;
  getToken(tokenHash: Uint8Array): Promise<TokenRecord | undefined>;

  /** Stores a device's keys; one-time keys with an id already stored replace it. */
  putKeys(
    accountId: string,
    deviceId: number,
    upload: KeyUpload,
    maxStored: number,
  ): Promise<PutKeysResult>;
  countKeys(accountId: string, deviceId: number): Promise<KeyCounts | undefined>;
  /**
   * Bundles for the given devices of an account (all its devices when `deviceId` is undefined),
   * removing each one-time key it hands out, atomically.
   */
  takeBundles(accountId: string, deviceId?: number): Promise<TakeBundlesResult | undefined>;

  /**
   * Stores a device's KeyPackages (one transaction): the one-time ones are added (an upload that
   * would leave more than `maxStored` stores nothing: `too-many`), a last-resort one replaces
   * the old. `not-found` if the device is not on its account.
   */
  putKeyPackages(
    accountId: string,
    deviceId: number,
    upload: KeyPackageUpload,
    maxStored: number,
  ): Promise<PutKeyPackagesResult>;
  countKeyPackages(accountId: string, deviceId: number): Promise<KeyPackageCount | undefined>;
  /**
   * One KeyPackage for every device of the account, atomically: the oldest one-time KeyPackage
   * (deleted as it is handed out, so each is handed out at most once under any concurrency),
   * else the last-resort one (kept). `undefined` for an unknown account.
   */
  claimKeyPackages(accountId: string): Promise<ClaimKeyPackagesResult | undefined>;

  /** Creates a group at epoch 0 whose only member is `creator`. */
  createGroup(
    groupId: Uint8Array,
    creator: GroupMember,
    createdAt: number,
  ): Promise<CreateGroupResult>;
  getGroup(groupId: Uint8Array): Promise<GroupRecord | undefined>;
  /**
   * Applies a commit in one transaction: if the group's epoch is still `commit.epoch`, the epoch
   * goes up by one, the commit is stored for every member device (before the change) except the
   * sender, the Welcome for every added device, members become members - remove + add, and the
   * GroupInfo is replaced. Otherwise nothing changes (the first commit of an epoch wins).
   */
  commitGroup(commit: GroupCommit): Promise<GroupCommitResult>;
  /** Stores a message for every member device except the sender, if its epoch is current. */
  sendGroupMessage(send: GroupSend): Promise<GroupSendResult>;
  /** Fans out the optional proposal (as sendGroupMessage), then removes the sender's device. */
  leaveGroup(leave: GroupLeave): Promise<GroupLeaveResult>;

  /** Stores a send for every device of the recipient's list, if it covers exactly that list. */
  enqueue(send: NewSend): Promise<EnqueueResult>;
  /** Messages of one mailbox with id > `afterId`, oldest first, at most `limit`. */
  fetchMessages(
    accountId: string,
    deviceId: number,
    afterId: bigint,
    limit: number,
  ): Promise<StoredMessage[]>;
  /** Deletes the given messages of this mailbox; returns how many existed. */
  ackMessages(accountId: string, deviceId: number, ids: readonly bigint[]): Promise<number>;
  /** How many messages are queued in all mailboxes. */
  countQueued(): Promise<number>;
  /** Removes messages received before `messagesBefore` and expired challenges and tokens. */
  purgeExpired(now: number, messagesBefore: number): Promise<PurgeResult>;

  /** Resolves if the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
