/**
 * Real MLS material for the relay's group tests, made with `@sigil/mls` the way Sigil clients
 * make it (groups contract, "Identities in MLS"): KeyPackages whose basic identity is
 * `${accountId}/${deviceId}` and whose signature key is the device's signing key, groups, and
 * commits, messages, GroupInfos and external commits of a group state. The relay only reads
 * these messages' plaintext headers; the tests also process them with MLS to show the relay
 * delivered them unchanged.
 */
import {
  authenticateContent,
  type CreatedKeyPackage,
  createKeyPackage,
  encodeMlsMessage,
  type GroupState,
  getCipherSuite,
  type MlsMessage,
} from '@sigil/mls';
import { b64, crypto, type TestAccount, type TestDevice } from './fixtures.ts';

/** MLS cipher suite 1, as Sigil's SDK groups use. */
export const suite = getCipherSuite(crypto, 1);

/** The relay test clock's time (harness ManualClock), in seconds. */
const NOW_S = 1_750_000_000n;

/** A lifetime around the test clock: valid now, for 30 days. */
export const LIFETIME = { notBefore: NOW_S - 3600n, notAfter: NOW_S + 30n * 86_400n };

/** A KeyPackage of `device` of `account`, and its encoded MLSMessage. */
export interface DeviceKeyPackage extends CreatedKeyPackage {
  readonly bytes: Uint8Array;
}

/** A KeyPackage of a device, as its client would make it (options override for bad ones). */
export function deviceKeyPackage(
  account: TestAccount,
  device: TestDevice,
  options: { identity?: string; lifetime?: typeof LIFETIME; fresh?: boolean } = {},
): DeviceKeyPackage {
  const created = createKeyPackage({
    suite,
    identity: new TextEncoder().encode(
      options.identity ?? `${account.accountId}/${device.deviceId}`,
    ),
    ...(options.fresh === true ? {} : { signatureKeyPair: device.signing }),
    lifetime: options.lifetime ?? LIFETIME,
  });
  return {
    ...created,
    bytes: encodeMlsMessage({ wireFormat: 'mls_key_package', keyPackage: created.keyPackage }),
  };
}

/** Base64url of an encoded MLSMessage. */
export const mls = (message: MlsMessage): string => b64(encodeMlsMessage(message));

/**
 * A GroupInfo MLSMessage describing `state`'s group at `epoch` (default its current one). Its
 * confirmation tag and signature are placeholders: the relay reads only the header (group id,
 * epoch), never verifies it.
 */
export function groupInfoOf(state: GroupState, epoch = state.groupContext.epoch): MlsMessage {
  return {
    wireFormat: 'mls_group_info',
    groupInfo: {
      groupContext: { ...state.groupContext, epoch },
      extensions: [],
      confirmationTag: new Uint8Array(32),
      signer: state.ownLeafIndex,
      signature: new Uint8Array(64),
    },
  };
}

/**
 * An external commit (sender new_member_commit, a PublicMessage, §12.4.3.2) into `state`'s
 * group at its current epoch, signed by `signatureKey`. Its body is a bare commit: the relay
 * checks the header only.
 */
export function externalCommitOf(state: GroupState, signatureKey: Uint8Array): MlsMessage {
  const authenticated = authenticateContent(suite, {
    wireFormat: 'mls_public_message',
    content: {
      groupId: state.groupContext.groupId,
      epoch: state.groupContext.epoch,
      sender: { senderType: 'new_member_commit' },
      authenticatedData: new Uint8Array(0),
      contentType: 'commit',
      commit: { proposals: [], path: undefined },
    },
    signatureKey,
    groupContext: state.groupContext,
    confirmationTag: () => new Uint8Array(32),
  });
  return {
    wireFormat: 'mls_public_message',
    publicMessage: { content: authenticated.content, auth: authenticated.auth },
  };
}
