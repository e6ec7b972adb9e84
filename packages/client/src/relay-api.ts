/**
 * The relay's HTTP API as typed calls (packages/relay/README.md): binary fields are canonical
 * base64url, uint64 values and message ids decimal strings, errors `{ error: { code, message,
 * details } }`. A relay error becomes a `SigilError` with the relay's code (`NOT_FOUND`,
 * `DEVICE_SET_MISMATCH` with `details.missingDeviceIds`, `RATE_LIMITED` with
 * `details.retryAfterMs`, ...); a network failure or timeout is `RELAY_UNREACHABLE`; an answer
 * that is not what the API promises is `RELAY_RESPONSE_INVALID`.
 *
 * Authenticated calls carry the bearer token of the last login; on `UNAUTHENTICATED` the call
 * logs in again once (tokens expire after an hour) and retries.
 *
 * @module
 */
import { ERROR_CODES, type ErrorCode, type ErrorDetails, SigilError } from '@sigil/errors';
import { fromBase64url, toBase64url } from './internal/bytes.ts';
import { REQUEST_TIMEOUT_MS } from './limits.ts';

/** The prekey counts `PUT /v1/keys` and `GET /v1/keys/count` return. */
export interface KeyCounts {
  readonly oneTimePreKeys: number;
  readonly kemPreKeys: number;
  readonly signedPreKeyId: number | null;
  readonly lastResortKemPreKeyId: number | null;
  readonly hasCertificate: boolean;
}

/** A key upload (every field the encoded wire format). */
export interface KeyUpload {
  certificate?: Uint8Array;
  signedPreKey?: Uint8Array;
  oneTimePreKeys?: Uint8Array[];
  kemPreKeys?: Uint8Array[];
  lastResortKemPreKey?: Uint8Array;
}

/** A message from the own mailbox. */
export interface RelayEnvelope {
  /** The relay's id (decimal), for the acknowledgement. */
  readonly id: string;
  readonly sender: { readonly accountId: string; readonly deviceId: number };
  /** The `SessionMessage` bytes, base64url; for a group envelope an encoded MLSMessage. */
  readonly ciphertext: string;
  readonly receivedAt: number;
  /** Present for group traffic: the MLS group id (base64url). */
  readonly groupId?: string;
}

/** The KeyPackage counts `PUT /v1/mls/key-packages` and its `count` route return. */
export interface KeyPackageCounts {
  readonly count: number;
  readonly hasLastResort: boolean;
}

/** A member device named in a group commit. */
export interface GroupDeviceRef {
  readonly accountId: string;
  readonly deviceId: number;
}

/** A group commit for `POST /v1/groups/:id/commit` (bytes are encoded MLSMessages). */
export interface GroupCommitUpload {
  readonly epoch: bigint;
  readonly commit: Uint8Array;
  readonly welcome?: Uint8Array | undefined;
  readonly groupInfo?: Uint8Array | undefined;
  readonly add?: readonly GroupDeviceRef[];
  readonly remove?: readonly GroupDeviceRef[];
}

/** Signs a relay-authentication content with the device signing key. */
export type ChallengeSigner = (content: {
  origin: string;
  challengeId: string;
  nonce: Uint8Array;
}) => Uint8Array;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The relay's HTTP API for one device. */
export class RelayApi {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  #token: string | undefined;
  #login: (() => Promise<void>) | undefined;
  /** A login in progress that concurrent calls share. */
  #relogin: Promise<void> | undefined;

  /** @param baseUrl `http(s)://host:port` of the relay. */
  constructor(baseUrl: string, fetchFn: typeof fetch) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#fetch = fetchFn;
  }

  /** The relay origin that device signatures bind (`scheme://host:port`). */
  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  /** The current bearer token, if logged in. */
  get token(): string | undefined {
    return this.#token;
  }

  /**
   * Logs the device in (challenge, signature, token) and keeps `sign` to log in again when the
   * token expires.
   */
  async login(accountId: string, deviceId: number, sign: ChallengeSigner): Promise<void> {
    const run = async (): Promise<void> => {
      const challenge = await this.#call<{ challengeId: string; nonce: string }>(
        'POST',
        '/v1/auth/challenge',
        { accountId, deviceId },
        false,
      );
      const signature = sign({
        origin: this.origin,
        challengeId: str(challenge.challengeId),
        nonce: fromBase64url(str(challenge.nonce)),
      });
      const answer = await this.#call<{ token: string }>(
        'POST',
        '/v1/auth/token',
        { challengeId: challenge.challengeId, signature: toBase64url(signature) },
        false,
      );
      this.#token = str(answer.token);
    };
    this.#login = run;
    await run();
  }

  /** `POST /v1/accounts`. */
  async register(accountKey: Uint8Array, deviceList: Uint8Array, username?: string) {
    const body = {
      accountKey: toBase64url(accountKey),
      deviceList: toBase64url(deviceList),
      ...(username === undefined ? {} : { username }),
    };
    return this.#call<{ accountId: string }>('POST', '/v1/accounts', body, false);
  }

  /** `GET /v1/accounts/:id/devices`: the signed list (unverified). */
  async deviceList(accountId: string): Promise<Uint8Array> {
    const res = await this.#call<{ deviceList: string }>(
      'GET',
      `/v1/accounts/${encodeURIComponent(accountId)}/devices`,
    );
    return fromBase64url(str(res.deviceList));
  }

  /** `PUT /v1/accounts/:id/devices` (authorised by the account key's signature). */
  async putDeviceList(accountId: string, deviceList: Uint8Array): Promise<void> {
    await this.#call('PUT', `/v1/accounts/${encodeURIComponent(accountId)}/devices`, {
      deviceList: toBase64url(deviceList),
    });
  }

  /** `DELETE /v1/accounts/:id`. */
  async deleteAccount(accountId: string): Promise<void> {
    await this.#call('DELETE', `/v1/accounts/${encodeURIComponent(accountId)}`);
  }

  /** `GET /v1/usernames/:name` -> the account id (unverified: pin it on first use). */
  async resolveUsername(username: string): Promise<string> {
    const res = await this.#call<{ accountId: string }>(
      'GET',
      `/v1/usernames/${encodeURIComponent(username)}`,
    );
    return str(res.accountId);
  }

  /** `PUT /v1/keys`. */
  async putKeys(upload: KeyUpload): Promise<KeyCounts> {
    const body: Record<string, unknown> = {};
    if (upload.certificate) body.certificate = toBase64url(upload.certificate);
    if (upload.signedPreKey) body.signedPreKey = toBase64url(upload.signedPreKey);
    if (upload.oneTimePreKeys?.length) body.oneTimePreKeys = upload.oneTimePreKeys.map(toBase64url);
    if (upload.kemPreKeys?.length) body.kemPreKeys = upload.kemPreKeys.map(toBase64url);
    if (upload.lastResortKemPreKey) {
      body.lastResortKemPreKey = toBase64url(upload.lastResortKemPreKey);
    }
    return this.#call<KeyCounts>('PUT', '/v1/keys', body);
  }

  /** `GET /v1/keys/count`. */
  async keyCounts(): Promise<KeyCounts> {
    return this.#call<KeyCounts>('GET', '/v1/keys/count');
  }

  /** `GET /v1/keys/:accountId/:deviceId`: one bundle (unverified), one-time keys used up. */
  async bundle(accountId: string, deviceId: number): Promise<Uint8Array> {
    const res = await this.#call<{ bundle: string }>(
      'GET',
      `/v1/keys/${encodeURIComponent(accountId)}/${deviceId}`,
    );
    return fromBase64url(str(res.bundle));
  }

  /** `GET /v1/keys/:accountId`: a bundle per device that has keys (unverified). */
  async bundles(accountId: string): Promise<Map<number, Uint8Array>> {
    const res = await this.#call<{ bundles: { deviceId: number; bundle: string }[] }>(
      'GET',
      `/v1/keys/${encodeURIComponent(accountId)}`,
    );
    if (!Array.isArray(res.bundles)) throw invalidResponse();
    return new Map(res.bundles.map((b) => [b.deviceId, fromBase64url(str(b.bundle))]));
  }

  /** `POST /v1/messages`: one ciphertext per device of the recipient's list. */
  async send(
    recipientAccountId: string,
    messages: readonly { deviceId: number; ciphertext: Uint8Array }[],
  ): Promise<void> {
    await this.#call('POST', '/v1/messages', {
      recipientAccountId,
      messages: messages.map((m) => ({
        deviceId: m.deviceId,
        ciphertext: toBase64url(m.ciphertext),
      })),
    });
  }

  /** `GET /v1/messages`: queued messages after `after`, oldest first. */
  async poll(after: string, limit: number): Promise<{ messages: RelayEnvelope[]; more: boolean }> {
    const res = await this.#call<{ messages: RelayEnvelope[]; more: boolean }>(
      'GET',
      `/v1/messages?after=${after}&limit=${limit}`,
    );
    if (!Array.isArray(res.messages)) throw invalidResponse();
    return res;
  }

  /** `POST /v1/messages/ack`. */
  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#call('POST', '/v1/messages/ack', { ids });
  }

  /** `PUT /v1/mls/key-packages`: one-time KeyPackages and/or a new last-resort one. */
  async putKeyPackages(
    keyPackages: readonly Uint8Array[],
    lastResort?: Uint8Array,
  ): Promise<KeyPackageCounts> {
    const res = await this.#call<KeyPackageCounts>('PUT', '/v1/mls/key-packages', {
      keyPackages: keyPackages.map(toBase64url),
      ...(lastResort === undefined ? {} : { lastResort: toBase64url(lastResort) }),
    });
    return counts(res);
  }

  /** `GET /v1/mls/key-packages/count`. */
  async keyPackageCount(): Promise<KeyPackageCounts> {
    return counts(await this.#call<KeyPackageCounts>('GET', '/v1/mls/key-packages/count'));
  }

  /** `POST /v1/mls/key-packages/claim`: one KeyPackage (unverified) per device of an account. */
  async claimKeyPackages(
    accountId: string,
  ): Promise<{ keyPackages: Map<number, Uint8Array>; missingDeviceIds: number[] }> {
    const res = await this.#call<{
      keyPackages: { deviceId: number; keyPackage: string }[];
      missingDeviceIds?: number[];
    }>('POST', '/v1/mls/key-packages/claim', { accountId });
    if (!Array.isArray(res.keyPackages)) throw invalidResponse();
    const keyPackages = new Map<number, Uint8Array>();
    for (const entry of res.keyPackages) {
      if (!Number.isInteger(entry?.deviceId)) throw invalidResponse();
      keyPackages.set(entry.deviceId, fromBase64url(str(entry.keyPackage)));
    }
    const missing = Array.isArray(res.missingDeviceIds) ? res.missingDeviceIds.map(Number) : [];
    return { keyPackages, missingDeviceIds: missing };
  }

  /** `POST /v1/groups`: registers a new group with this device its only member (epoch 0). */
  async createGroup(groupId: string): Promise<void> {
    await this.#call('POST', '/v1/groups', { groupId });
  }

  /**
   * `POST /v1/groups/:id/commit`; resolves with the new epoch.
   * @throws SigilError `GROUP_EPOCH_MISMATCH` (another commit won the epoch), relay codes.
   */
  async groupCommit(groupId: string, upload: GroupCommitUpload): Promise<bigint> {
    const res = await this.#call<{ epoch: string }>(
      'POST',
      `/v1/groups/${encodeURIComponent(groupId)}/commit`,
      {
        epoch: upload.epoch.toString(),
        commit: toBase64url(upload.commit),
        ...(upload.welcome === undefined ? {} : { welcome: toBase64url(upload.welcome) }),
        ...(upload.groupInfo === undefined ? {} : { groupInfo: toBase64url(upload.groupInfo) }),
        ...(upload.add === undefined || upload.add.length === 0 ? {} : { add: upload.add }),
        ...(upload.remove === undefined || upload.remove.length === 0
          ? {}
          : { remove: upload.remove }),
      },
    );
    return decimal(res.epoch);
  }

  /**
   * `POST /v1/groups/:id/external-join`: an external commit by this device (whose account has
   * a member device); resolves with the new epoch.
   * @throws SigilError `GROUP_EPOCH_MISMATCH`, `NOT_GROUP_MEMBER`, relay codes.
   */
  async groupExternalJoin(
    groupId: string,
    upload: { epoch: bigint; commit: Uint8Array; groupInfo?: Uint8Array | undefined },
  ): Promise<bigint> {
    const res = await this.#call<{ epoch: string }>(
      'POST',
      `/v1/groups/${encodeURIComponent(groupId)}/external-join`,
      {
        epoch: upload.epoch.toString(),
        commit: toBase64url(upload.commit),
        ...(upload.groupInfo === undefined ? {} : { groupInfo: toBase64url(upload.groupInfo) }),
      },
    );
    return decimal(res.epoch);
  }

  /** `POST /v1/groups/:id/messages`: an application message or proposal of the current epoch. */
  async groupMessage(groupId: string, message: Uint8Array): Promise<void> {
    await this.#call('POST', `/v1/groups/${encodeURIComponent(groupId)}/messages`, {
      message: toBase64url(message),
    });
  }

  /** `POST /v1/groups/:id/leave` with the self-Remove proposal for the other members. */
  async leaveGroup(groupId: string, proposal?: Uint8Array): Promise<void> {
    await this.#call(
      'POST',
      `/v1/groups/${encodeURIComponent(groupId)}/leave`,
      proposal === undefined ? {} : { proposal: toBase64url(proposal) },
    );
  }

  /** `GET /v1/groups/:id/info`: the relay's epoch and GroupInfo of a group. */
  async groupInfo(groupId: string): Promise<{ epoch: bigint; groupInfo?: Uint8Array }> {
    const res = await this.#call<{ epoch: string; groupInfo?: string }>(
      'GET',
      `/v1/groups/${encodeURIComponent(groupId)}/info`,
    );
    return {
      epoch: decimal(res.epoch),
      ...(res.groupInfo === undefined ? {} : { groupInfo: fromBase64url(str(res.groupInfo)) }),
    };
  }

  /** The WebSocket URL with the current token (`?token=`: browsers cannot set headers). */
  socketUrl(): string {
    const url = new URL(`${this.baseUrl}/v1/ws`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.#token ?? '');
    return url.toString();
  }

  async #call<T>(method: Method, path: string, body?: unknown, auth = true): Promise<T> {
    try {
      return await this.#request<T>(method, path, body, auth);
    } catch (err) {
      const login = this.#login;
      if (auth && SigilError.is(err, 'UNAUTHENTICATED') && login !== undefined) {
        this.#relogin ??= login().finally(() => {
          this.#relogin = undefined;
        });
        await this.#relogin;
        return this.#request<T>(method, path, body, auth);
      }
      throw err;
    }
  }

  async #request<T>(method: Method, path: string, body: unknown, auth: boolean): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new SigilError('RELAY_UNREACHABLE', 'the relay cannot be reached', { cause: err });
    }
    const text = await response.text().catch((err: unknown) => {
      throw new SigilError('RELAY_UNREACHABLE', 'the relay connection failed', { cause: err });
    });
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw invalidResponse();
    }
    if (response.ok) {
      if (typeof json !== 'object' || json === null) throw invalidResponse();
      return json as T;
    }
    throw relayError(response, json);
  }
}

function relayError(response: Response, json: unknown): SigilError {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  const code =
    typeof error?.code === 'string' && error.code in ERROR_CODES ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  const details: Record<string, string | number | boolean | readonly string[]> = {
    status: response.status,
  };
  if (typeof error?.details === 'object' && error.details !== null) {
    for (const [key, value] of Object.entries(error.details)) {
      if (['string', 'number', 'boolean'].includes(typeof value)) details[key] = value as string;
      else if (Array.isArray(value)) details[key] = value.map(String);
    }
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  if (code === 'RATE_LIMITED' && details.retryAfterMs === undefined && retryAfter > 0) {
    details.retryAfterMs = retryAfter * 1000;
  }
  const finalCode: ErrorCode =
    (code as ErrorCode | undefined) ??
    (response.status >= 500 ? 'RELAY_UNREACHABLE' : 'RELAY_RESPONSE_INVALID');
  return new SigilError(finalCode, `relay: ${message}`, { details: details as ErrorDetails });
}

function invalidResponse(): SigilError {
  return new SigilError('RELAY_RESPONSE_INVALID', 'the relay answered something unexpected');
}

function counts(res: KeyPackageCounts): KeyPackageCounts {
  if (!Number.isInteger(res.count) || typeof res.hasLastResort !== 'boolean') {
    throw invalidResponse();
  }
  return { count: res.count, hasLastResort: res.hasLastResort };
}

function decimal(value: unknown): bigint {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) throw invalidResponse();
  return BigInt(value);
}

function str(value: unknown): string {
  if (typeof value !== 'string') throw invalidResponse();
  return value;
}
