/**
 * SFrame keys from a real MLS group (RFC 9605 §5.2) on both backends: members derive the same
 * base key from the epoch's exporter and exchange frames under their own KIDs; KIDs follow
 * Figure 8 (and the RFC's Figure 9 examples); a member's own KIDs are send-only; a member who
 * joins in the next epoch cannot read the previous epoch's frames, and nobody can once its keys
 * are dropped; installing an epoch removes the one with the same low E bits.
 */
import { inspect } from 'node:util';
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { type CreatedKeyPackage, createKeyPackage } from '../src/group/key-package.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { mlsExporter } from '../src/key-schedule.ts';
import { decodeSFrameHeader, encodeSFrameHeader } from '../src/sframe/header.ts';
import {
  parseSFrameMlsKeyId,
  SFRAME_BASE_KEY_LABEL,
  type SFrameEpochKeys,
  SFrameMlsContext,
  sframeKeysFromGroup,
  sframeMlsKeyId,
} from '../src/sframe/mls.ts';
import { codeOf, hex } from './helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const lifetime = { notBefore: 0n, notAfter: 2n ** 63n };
const none = new Uint8Array(0);

function client(suite: CipherSuite, name: string): CreatedKeyPackage {
  return createKeyPackage({ suite, identity: text(name), lifetime });
}

function welcomeOf(message: MlsMessage | undefined) {
  if (message?.wireFormat !== 'mls_welcome') throw new Error('no welcome');
  return message.welcome;
}

/** Alice's group with Bob (epoch 1), then Carol added (epoch 2). */
function groups(suite: CipherSuite) {
  const alice = client(suite, 'alice');
  const bob = client(suite, 'bob');
  const carol = client(suite, 'carol');
  let a = createGroup({ suite, keyPackage: alice.keyPackage, privateKeys: alice.privateKeys });
  const addBob = createCommit(a, {
    proposals: [{ proposalType: 'add', keyPackage: bob.keyPackage }],
  });
  a = confirmPendingCommit(addBob.state);
  const b1 = joinFromWelcome({ suite, welcome: welcomeOf(addBob.welcome), ...bob });
  const a1 = a;
  const addCarol = createCommit(a1, {
    proposals: [{ proposalType: 'add', keyPackage: carol.keyPackage }],
  });
  const a2 = confirmPendingCommit(addCarol.state);
  const b2 = processCommit(b1, addCarol.commit).state;
  const c2 = joinFromWelcome({ suite, welcome: welcomeOf(addCarol.welcome), ...carol });
  return { a1, b1, a2, b2, c2 };
}

function media(provider: CryptoProvider, cipherSuite: number, ...states: GroupState[]) {
  const context = new SFrameMlsContext({ provider, cipherSuite });
  for (const state of states) context.installEpoch(sframeKeysFromGroup(state, { cipherSuite }));
  return context;
}

describe('MLS KID layout (§5.2, Figure 9: E = 4, S = 6)', () => {
  const layout = { epochBits: 4, indexBits: 6 };
  it.each([
    [14n, 3, 0n, 0x3en],
    [14n, 7, 0n, 0x7en],
    [14n, 20, 0n, 0x14en],
    [15n, 3, 0n, 0x3fn],
    [15n, 5, 0n, 0x5fn],
    [16n, 2, 2n, 0x820n],
    [16n, 2, 3n, 0xc20n],
    [17n, 33, 0n, 0x211n],
    [17n, 51, 0n, 0x331n],
  ])('epoch %i, index %i, context %i -> KID %i', (epoch, index, context, kid) => {
    expect(sframeMlsKeyId(layout, epoch, index, context)).toBe(kid);
    expect(parseSFrameMlsKeyId(layout, kid)).toEqual({
      contextId: context,
      leafIndex: index,
      epochLowBits: Number(epoch % 16n),
    });
  });

  it('refuses indices and contexts that do not fit', () => {
    expect(codeOf(() => sframeMlsKeyId(layout, 1n, 64))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => sframeMlsKeyId(layout, 1n, 1, 2n ** 54n))).toBe('INVALID_ARGUMENT');
    expect(sframeMlsKeyId(layout, 1n, 1, 2n ** 54n - 1n)).toBe(2n ** 64n - 1024n + 17n);
  });
});

describe.each(allProviders())('SFrame over MLS ($name)', (provider) => {
  const suite = getCipherSuite(provider, 1);

  describe.each([1, 2, 3, 4, 5])('SFrame suite %i', (cipherSuite) => {
    it('members derive the same keys from the epoch and exchange frames', () => {
      const { a1, b1 } = groups(suite);
      const ka = sframeKeysFromGroup(a1, { cipherSuite });
      const kb = sframeKeysFromGroup(b1, { cipherSuite });
      expect(ka.baseKey.equals(kb.baseKey)).toBe(true);
      expect(ka.baseKey.length).toBe([48, 48, 48, 16, 32][cipherSuite - 1]);
      // base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk).
      expect(hex(kb.baseKey.expose())).toBe(
        hex(
          mlsExporter(
            suite,
            b1.epochSecrets.exporterSecret,
            SFRAME_BASE_KEY_LABEL,
            none,
            ka.baseKey.length,
          ),
        ),
      );
      expect([ka.epoch, ka.indexBits, ka.epochBits, ka.memberLeaves]).toEqual([1n, 1, 4, [0, 1]]);
      expect([ka.ownLeafIndex, kb.ownLeafIndex]).toEqual([0, 1]);

      const alice = media(provider, cipherSuite, a1);
      const bob = media(provider, cipherSuite, b1);
      const metadata = text('ssrc 1234');
      const frame = alice.encrypt(metadata, text('hello from alice'));
      // The header's KID is Alice's: context 0, index 0, epoch 1.
      expect(decodeSFrameHeader(frame).kid).toBe(sframeMlsKeyId(ka, 1n, 0));
      const got = bob.decrypt(metadata, frame);
      expect(new TextDecoder().decode(got.plaintext)).toBe('hello from alice');
      expect([got.epoch, got.senderLeafIndex, got.contextId, got.ctr]).toEqual([1n, 0, 0n, 0n]);
      expect(codeOf(() => bob.decrypt(metadata, frame))).toBe('SFRAME_REPLAY');

      const reply = bob.encrypt(none, text('hi alice'), { contextId: 2n });
      const back = alice.decrypt(none, reply);
      expect([back.senderLeafIndex, back.contextId]).toEqual([1, 2n]);
      // Own KIDs are send-only: Alice cannot decrypt her own frame (§4.4.1).
      expect(codeOf(() => alice.decrypt(metadata, frame))).toBe('SFRAME_UNKNOWN_KEY_ID');
    });
  });

  it('the next epoch: a new member cannot read old frames; dropped keys are gone', () => {
    const cipherSuite = 1;
    const { a1, b1, a2, b2, c2 } = groups(suite);
    const alice = media(provider, cipherSuite, a1);
    const bob = media(provider, cipherSuite, b1);
    const old = alice.encrypt(none, text('epoch 1 frame'));
    const late = alice.encrypt(none, text('late epoch 1 frame'));
    expect(bob.decrypt(none, old).epoch).toBe(1n);

    const k2 = [a2, b2, c2].map((s) => sframeKeysFromGroup(s, { cipherSuite }));
    const [ka2, kb2, kc2] = k2 as [SFrameEpochKeys, SFrameEpochKeys, SFrameEpochKeys];
    expect(ka2.baseKey.equals(kb2.baseKey) && kb2.baseKey.equals(kc2.baseKey)).toBe(true);
    expect(ka2.baseKey.equals(sframeKeysFromGroup(a1, { cipherSuite }).baseKey)).toBe(false);
    expect([ka2.indexBits, ka2.memberLeaves]).toEqual([2, [0, 1, 2]]);
    alice.installEpoch(ka2);
    bob.installEpoch(kb2);
    const carol = media(provider, cipherSuite, c2);

    const fresh = alice.encrypt(none, text('epoch 2 frame'));
    expect(bob.decrypt(none, fresh).epoch).toBe(2n);
    expect(carol.decrypt(none, fresh).senderLeafIndex).toBe(0);
    const fromCarol = carol.encrypt(none, text('carol here'));
    expect(bob.decrypt(none, fromCarol).senderLeafIndex).toBe(2);

    // Carol joined in epoch 2: epoch 1 frames name keys she never had.
    expect(codeOf(() => carol.decrypt(none, late))).toBe('SFRAME_UNKNOWN_KEY_ID');
    // Bob still holds epoch 1 and reads the late frame; once he drops it, nothing of it is left.
    expect(bob.decrypt(none, late).epoch).toBe(1n);
    const later = alice.encrypt(none, text('epoch 1 again'), { epoch: 1n });
    expect(bob.removeEpoch(1n)).toBe(true);
    expect(bob.hasEpoch(1n)).toBe(false);
    expect(codeOf(() => bob.decrypt(none, later))).toBe('SFRAME_UNKNOWN_KEY_ID');
    expect(codeOf(() => bob.encrypt(none, text('x'), { epoch: 1n }))).toBe('SFRAME_UNKNOWN_KEY_ID');

    // A KID naming a leaf that is no member (leaf 3 is blank in the 4-leaf tree).
    const ghostKid = sframeMlsKeyId(ka2, 2n, 3);
    const ghost = Uint8Array.from([...encodeSFrameHeader(ghostKid, 0n), ...new Uint8Array(20)]);
    expect(codeOf(() => bob.decrypt(none, ghost))).toBe('SFRAME_UNKNOWN_KEY_ID');
  });

  it('installs epochs in order and rolls over on the low E bits', () => {
    const cipherSuite = 4;
    const { a1, b1, a2, b2 } = groups(suite);
    const bob = new SFrameMlsContext({ provider, cipherSuite, epochBits: 1 });
    const k1 = sframeKeysFromGroup(b1, { cipherSuite, epochBits: 1 });
    const k2 = sframeKeysFromGroup(b2, { cipherSuite, epochBits: 1 });
    bob.installEpoch(k1);
    bob.installEpoch(k2);
    expect([bob.hasEpoch(1n), bob.hasEpoch(2n), bob.newestEpoch]).toEqual([true, true, 2n]);
    // Older or repeated epochs would restart send counters: refused.
    expect(codeOf(() => bob.installEpoch(k1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => bob.installEpoch(k2))).toBe('INVALID_ARGUMENT');
    // Mismatched layout or suite: refused.
    expect(codeOf(() => bob.installEpoch(sframeKeysFromGroup(a2, { cipherSuite })))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      codeOf(() => bob.installEpoch(sframeKeysFromGroup(a2, { cipherSuite: 5, epochBits: 1 }))),
    ).toBe('INVALID_ARGUMENT');
    // Epoch 3 has the same low bit as epoch 1, which §5.2 says must go.
    const alice = new SFrameMlsContext({ provider, cipherSuite, epochBits: 1 });
    alice.installEpoch(sframeKeysFromGroup(a1, { cipherSuite, epochBits: 1 }));
    const epoch1Frame = alice.encrypt(none, text('one'));
    expect(bob.decrypt(none, epoch1Frame).epoch).toBe(1n);
    bob.installEpoch({ ...k2, epoch: 3n });
    expect([bob.hasEpoch(1n), bob.hasEpoch(2n), bob.hasEpoch(3n)]).toEqual([false, true, true]);
    // Alice's epoch 1 KID now names epoch 3 at Bob: epoch 1's keys (including the receive key
    // kept after the first frame) are gone, and epoch 3's key does not open the frame.
    expect(codeOf(() => bob.decrypt(none, alice.encrypt(none, text('two'))))).toBe(
      'AEAD_AUTHENTICATION_FAILED',
    );
  });

  it('rejects bad options and prints no key material', () => {
    const { a1 } = groups(suite);
    expect(codeOf(() => sframeKeysFromGroup(a1, { cipherSuite: 6 }))).toBe('UNSUPPORTED_ALGORITHM');
    for (const epochBits of [-1, 17, 1.5]) {
      expect(codeOf(() => sframeKeysFromGroup(a1, { cipherSuite: 1, epochBits }))).toBe(
        'INVALID_ARGUMENT',
      );
    }
    const keys = sframeKeysFromGroup(a1, { cipherSuite: 1 });
    const context = media(provider, 1, a1);
    const secret = hex(keys.baseKey.expose());
    const printed = [inspect(keys), JSON.stringify(context), inspect(context)];
    for (const output of printed) expect(output).not.toContain(secret);
    expect(JSON.stringify({ baseKey: keys.baseKey })).toBe('{"baseKey":"[redacted]"}');
    expect(
      codeOf(() => new SFrameMlsContext({ provider, cipherSuite: 1 }).encrypt(none, none)),
    ).toBe('SFRAME_UNKNOWN_KEY_ID');
  });
});
