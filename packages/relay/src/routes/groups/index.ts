/**
 * The relay as MLS delivery service for groups (groups contract, "Relay HTTP API" 4-9). Every
 * route needs a device token; the relay sees group ids, epochs, member devices and opaque
 * MLSMessages, which it checks only by their plaintext headers (verify/mls-messages.ts).
 *
 * - `POST /v1/groups` `{ groupId }` -> 201 `{ groupId, epoch: "0" }`: the caller device is the
 *   only member. 409 `GROUP_EXISTS`.
 * - `POST /v1/groups/:groupId/commit` `{ epoch, commit, welcome?, groupInfo?, add?, remove? }`
 *   -> `{ epoch }`: `commit` is a commit of this group at `epoch`. In one transaction: unless the
 *   group is still at `epoch` (409 `GROUP_EPOCH_MISMATCH`, details.currentEpoch), nothing
 *   changes; else the epoch goes up, the commit goes to every member device before the change
 *   except the sender (removed ones included), the Welcome to every added device, the members
 *   become members - remove + add, and `groupInfo` (of the new epoch) is the group's GroupInfo.
 *   `welcome` is required exactly when `add` is not empty. Added devices must exist (404
 *   `NOT_FOUND`, details.missingDevices `accountId/deviceId`).
 * - `POST /v1/groups/:groupId/messages` `{ message }` -> `{ ids }`: an application message or
 *   proposal of the current epoch (else `GROUP_EPOCH_MISMATCH`) to every member but the sender.
 * - `GET /v1/groups/:groupId/info` -> `{ epoch, groupInfo? }` for a device whose account has a
 *   member device.
 * - `POST /v1/groups/:groupId/leave` `{ proposal? }` -> `{}`: the proposal (a self-Remove,
 *   checked like a message) goes to the others, then the device is no longer a member.
 * - `POST /v1/groups/:groupId/external-join` `{ epoch, commit, groupInfo? }` -> `{ epoch }`: an
 *   external commit (sender new_member_commit, a PublicMessage) by a device whose account has a
 *   member device; applied like a commit, and the caller becomes a member.
 *
 * Only member devices act on a group (403 `NOT_GROUP_MEMBER`); an unknown group is 404
 * `GROUP_NOT_FOUND`. Commits and messages count against the sender's send limit. Every stored
 * envelope wakes its device (WebSocket push) and carries `groupId` (routes/messages).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyInstance } from 'fastify';
import { deviceOf, requireDevice } from '../../auth/authenticate.ts';
import { base64urlDecodedLength, fromBase64url, toBase64url } from '../../base64url.ts';
import type { RelayContext } from '../../context.ts';
import type { GroupCommitResult, GroupMember, GroupRefusal } from '../../storage/relay-store.ts';
import { checkGroupInfo, checkGroupMessage, checkWelcome } from '../../verify/mls-messages.ts';
import {
  accountIdSchema,
  deviceIdSchema,
  epochSchema,
  groupIdSchema,
  mlsMessageSchema,
  objectSchema,
  parseEpoch,
  parseGroupId,
} from '../schemas.ts';

/** Most devices one commit may add, and may remove. */
export const MAX_MEMBER_CHANGES = 1000;

interface GroupParams {
  groupId: string;
}
interface MemberJson {
  accountId: string;
  deviceId: number;
}
interface CommitBody {
  epoch: string;
  commit: string;
  welcome?: string;
  groupInfo?: string;
  add?: MemberJson[];
  remove?: MemberJson[];
}

const params = objectSchema({ groupId: groupIdSchema });
const memberList = {
  type: 'array',
  maxItems: MAX_MEMBER_CHANGES,
  items: objectSchema({ accountId: accountIdSchema, deviceId: deviceIdSchema }),
} as const;

const memberKey = (m: GroupMember): string => `${m.accountId}/${m.deviceId}`;

/** The error of a refused group operation. */
function refusal(result: GroupRefusal): SigilError {
  switch (result.status) {
    case 'not-found':
      return new SigilError('GROUP_NOT_FOUND', 'no such group');
    case 'not-member':
      return new SigilError('NOT_GROUP_MEMBER', 'the device is not a member of the group');
    case 'epoch-mismatch':
      return new SigilError('GROUP_EPOCH_MISMATCH', 'the group is at another epoch', {
        details: { currentEpoch: result.currentEpoch.toString() },
      });
  }
}

/** Registers the group routes. */
export function registerGroupRoutes(app: FastifyInstance, ctx: RelayContext): void {
  const authenticated = requireDevice(ctx);
  const { config } = ctx;

  /** Decodes an MLSMessage field: canonical base64url of at most maxEnvelopeBytes. */
  const mlsBytes = (text: string, field: string): Uint8Array => {
    if (base64urlDecodedLength(text.length) > config.maxEnvelopeBytes) {
      throw new SigilError('PAYLOAD_TOO_LARGE', `${field} exceeds the envelope size limit`, {
        details: { maxEnvelopeBytes: config.maxEnvelopeBytes },
      });
    }
    return fromBase64url(text, field);
  };

  /** Wakes the devices that got mail. */
  const wake = (delivered: readonly GroupMember[]): void => {
    ctx.metrics.sends += delivered.length;
    for (const m of delivered) ctx.notifier.notify(m.accountId, m.deviceId);
  };

  /** The response to a commit, or its error. */
  const committed = (result: GroupCommitResult) => {
    if (result.status === 'device-not-found') {
      throw new SigilError('NOT_FOUND', 'a device to add does not exist', {
        details: { missingDevices: result.missing.map(memberKey) },
      });
    }
    if (result.status !== 'committed') throw refusal(result);
    wake(result.delivered);
    return { epoch: result.epoch.toString() };
  };

  /** The GroupInfo field, checked to describe `groupId` at `epoch`. */
  const optionalGroupInfo = (
    text: string | undefined,
    groupId: Uint8Array,
    epoch: bigint,
  ): Uint8Array | undefined => {
    if (text === undefined) return undefined;
    const bytes = mlsBytes(text, 'groupInfo');
    checkGroupInfo(bytes, 'groupInfo', groupId, epoch);
    return bytes;
  };

  app.post<{ Body: { groupId: string } }>(
    '/v1/groups',
    { schema: { body: objectSchema({ groupId: groupIdSchema }) }, onRequest: authenticated },
    async (request, reply) => {
      const device = deviceOf(request);
      const groupId = parseGroupId(request.body.groupId);
      const result = await ctx.store.createGroup(groupId, device, ctx.clock.now());
      if (result === 'exists') throw new SigilError('GROUP_EXISTS', 'the group id is taken');
      if (result === 'device-not-found') {
        throw new SigilError('UNAUTHENTICATED', 'the device is no longer on its account');
      }
      return reply.status(201).send({ groupId: toBase64url(groupId), epoch: '0' });
    },
  );

  app.post<{ Params: GroupParams; Body: CommitBody }>(
    '/v1/groups/:groupId/commit',
    {
      schema: {
        params,
        body: objectSchema(
          {
            epoch: epochSchema,
            commit: mlsMessageSchema,
            welcome: mlsMessageSchema,
            groupInfo: mlsMessageSchema,
            add: memberList,
            remove: memberList,
          },
          ['epoch', 'commit'],
        ),
      },
      onRequest: authenticated,
    },
    async (request) => {
      const device = deviceOf(request);
      const groupId = parseGroupId(request.params.groupId);
      const body = request.body;
      const epoch = parseEpoch(body.epoch);
      const commit = mlsBytes(body.commit, 'commit');
      const header = checkGroupMessage(commit, 'commit', {
        groupId,
        contentTypes: ['commit'],
        senderType: 'member',
      });
      if (header !== epoch) throw new SigilError('REQUEST_INVALID', 'commit is not of epoch');
      const add = body.add ?? [];
      const remove = body.remove ?? [];
      const keys = [...add, ...remove].map(memberKey);
      if (new Set(keys).size !== keys.length) {
        throw new SigilError('REQUEST_INVALID', 'a device appears twice in add and remove');
      }
      let welcome: Uint8Array | undefined;
      if (body.welcome !== undefined) {
        welcome = mlsBytes(body.welcome, 'welcome');
        checkWelcome(welcome, 'welcome');
      }
      if ((welcome !== undefined) !== add.length > 0) {
        throw new SigilError('REQUEST_INVALID', 'welcome is required exactly when add is given');
      }
      const groupInfo = optionalGroupInfo(body.groupInfo, groupId, epoch + 1n);
      await ctx.limiters.send.take(`${device.accountId}/${device.deviceId}`);
      const result = await ctx.store.commitGroup({
        groupId,
        sender: device,
        kind: 'member',
        epoch,
        commit,
        welcome,
        groupInfo,
        add,
        remove,
        receivedAt: ctx.clock.now(),
      });
      return committed(result);
    },
  );

  app.post<{ Params: GroupParams; Body: { message: string } }>(
    '/v1/groups/:groupId/messages',
    {
      schema: { params, body: objectSchema({ message: mlsMessageSchema }) },
      onRequest: authenticated,
    },
    async (request) => {
      const device = deviceOf(request);
      const groupId = parseGroupId(request.params.groupId);
      const message = mlsBytes(request.body.message, 'message');
      const epoch = checkGroupMessage(message, 'message', {
        groupId,
        contentTypes: ['application', 'proposal'],
        senderType: 'member',
      });
      await ctx.limiters.send.take(`${device.accountId}/${device.deviceId}`);
      const result = await ctx.store.sendGroupMessage({
        groupId,
        sender: device,
        epoch,
        message,
        receivedAt: ctx.clock.now(),
      });
      if (result.status !== 'stored') throw refusal(result);
      wake(result.delivered);
      return { ids: result.ids.map(String) };
    },
  );

  app.get<{ Params: GroupParams }>(
    '/v1/groups/:groupId/info',
    { schema: { params }, onRequest: authenticated },
    async (request) => {
      const device = deviceOf(request);
      const group = await ctx.store.getGroup(parseGroupId(request.params.groupId));
      if (group === undefined) throw refusal({ status: 'not-found' });
      if (!group.members.some((m) => m.accountId === device.accountId)) {
        throw refusal({ status: 'not-member' });
      }
      return {
        epoch: group.epoch.toString(),
        ...(group.groupInfo === undefined ? {} : { groupInfo: toBase64url(group.groupInfo) }),
      };
    },
  );

  app.post<{ Params: GroupParams; Body: { proposal?: string } }>(
    '/v1/groups/:groupId/leave',
    {
      schema: { params, body: objectSchema({ proposal: mlsMessageSchema }, []) },
      onRequest: authenticated,
    },
    async (request) => {
      const device = deviceOf(request);
      const groupId = parseGroupId(request.params.groupId);
      let proposal: { epoch: bigint; message: Uint8Array } | undefined;
      if (request.body.proposal !== undefined) {
        const message = mlsBytes(request.body.proposal, 'proposal');
        const epoch = checkGroupMessage(message, 'proposal', {
          groupId,
          contentTypes: ['proposal'],
          senderType: 'member',
        });
        proposal = { epoch, message };
      }
      const result = await ctx.store.leaveGroup({
        groupId,
        sender: device,
        proposal,
        receivedAt: ctx.clock.now(),
      });
      if (result.status !== 'left') throw refusal(result);
      wake(result.delivered);
      return {};
    },
  );

  app.post<{ Params: GroupParams; Body: { epoch: string; commit: string; groupInfo?: string } }>(
    '/v1/groups/:groupId/external-join',
    {
      schema: {
        params,
        body: objectSchema(
          { epoch: epochSchema, commit: mlsMessageSchema, groupInfo: mlsMessageSchema },
          ['epoch', 'commit'],
        ),
      },
      onRequest: authenticated,
    },
    async (request) => {
      const device = deviceOf(request);
      const groupId = parseGroupId(request.params.groupId);
      const epoch = parseEpoch(request.body.epoch);
      const commit = mlsBytes(request.body.commit, 'commit');
      const header = checkGroupMessage(commit, 'commit', {
        groupId,
        contentTypes: ['commit'],
        senderType: 'new_member_commit',
      });
      if (header !== epoch) throw new SigilError('REQUEST_INVALID', 'commit is not of epoch');
      const groupInfo = optionalGroupInfo(request.body.groupInfo, groupId, epoch + 1n);
      await ctx.limiters.send.take(`${device.accountId}/${device.deviceId}`);
      const result = await ctx.store.commitGroup({
        groupId,
        sender: device,
        kind: 'external',
        epoch,
        commit,
        groupInfo,
        add: [],
        remove: [],
        receivedAt: ctx.clock.now(),
      });
      return committed(result);
    },
  );
}
