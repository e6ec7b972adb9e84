/**
 * processCommit's `validateCredential` hook (RFC 9420 §5.3.1, the application's credential
 * check): called for every leaf a Commit adds (Add), updates (the committer's UpdatePath leaf)
 * or brings in by external Commit (the joiner, flagged), and a throw rejects the Commit with
 * the member's state unchanged.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { confirmPendingCommit, createCommit, discardPendingCommit } from '../src/group/commit.ts';
import { joinByExternalCommit } from '../src/group/external-commit.ts';
import { createGroupInfo } from '../src/group/group-info.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { client, text, threeMembers } from './group-setup.ts';

const suite = getCipherSuite(getCryptoProvider(), 1);
const name = (identity: Uint8Array) => new TextDecoder().decode(identity);

describe('processCommit validateCredential', () => {
  it('sees added and path leaves; a throw rejects the Commit and changes nothing', () => {
    const { a, b } = threeMembers(suite);
    const dave = client(suite, 'dave');
    const add = createCommit(a, {
      proposals: [{ proposalType: 'add', keyPackage: dave.keyPackage }],
    });
    const seen: [string, number, boolean][] = [];
    const processed = processCommit(b, add.commit, {
      validateCredential: (leaf, leafIndex, joiner) => {
        seen.push([
          name((leaf.credential as { identity: Uint8Array }).identity),
          leafIndex,
          joiner,
        ]);
      },
    });
    expect(processed.state.groupContext.epoch).toBe(2n);
    expect(seen.sort()).toEqual([
      ['alice', 0, false],
      ['dave', 3, false],
    ]);

    const before = b.groupContext.epoch;
    expect(() =>
      processCommit(b, add.commit, {
        validateCredential: (leaf) => {
          if (name((leaf.credential as { identity: Uint8Array }).identity) === 'dave') {
            throw new Error('not on the device list');
          }
        },
      }),
    ).toThrow('not on the device list');
    // Nothing changed: the same state still processes another Commit of the epoch.
    expect(b.groupContext.epoch).toBe(before);
    const other = createCommit(discardPendingCommit(add.state), {});
    expect(processCommit(b, other.commit).state.groupContext.epoch).toBe(2n);
  });

  it('sees an empty Commit with a path as an update of the committer leaf', () => {
    const { a, c } = threeMembers(suite);
    const rekey = createCommit(a, { forcePath: true });
    const seen: number[] = [];
    processCommit(c, rekey.commit, {
      validateCredential: (_leaf, leafIndex, joiner) => {
        expect(joiner).toBe(false);
        seen.push(leafIndex);
      },
    });
    expect(seen).toEqual([0]);
    expect(confirmPendingCommit(rekey.state).groupContext.epoch).toBe(2n);
  });

  it("flags an external joiner's leaf", () => {
    const { a, b } = threeMembers(suite);
    const join = joinByExternalCommit({
      suite,
      groupInfo: createGroupInfo(a),
      identity: text('erin'),
      signatureKeyPair: suite.signature.generateKeyPair(),
    });
    const seen: [string, boolean][] = [];
    const processed = processCommit(b, join.commit, {
      validateCredential: (leaf, _index, joiner) => {
        seen.push([name((leaf.credential as { identity: Uint8Array }).identity), joiner]);
      },
    });
    expect(processed.external).toBe(true);
    expect(seen).toEqual([['erin', true]]);
    expect(() =>
      processCommit(b, join.commit, {
        validateCredential: (_leaf, _index, joiner) => {
          if (joiner) throw new Error('refused joiner');
        },
      }),
    ).toThrow('refused joiner');
  });
});
