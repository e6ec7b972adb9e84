/**
 * Shared setup of the group-layer tests: clients with long-lived KeyPackages and a
 * three-member group (Alice, Bob, Carol) in epoch 1, joined by Welcome.
 */
import type { CipherSuite } from '../src/cipher-suite.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { type CreatedKeyPackage, createKeyPackage } from '../src/group/key-package.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import type { Welcome } from '../src/wire/welcome.ts';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const lifetime = { notBefore: 0n, notAfter: 2n ** 63n };

/** A fresh client: a KeyPackage with a basic credential `name` and its private keys. */
export function client(suite: CipherSuite, name: string): CreatedKeyPackage {
  return createKeyPackage({ suite, identity: text(name), lifetime });
}

/** The Welcome inside an MLSMessage (throws if there is none). */
export function welcomeOf(message: MlsMessage | undefined): Welcome {
  if (message?.wireFormat !== 'mls_welcome') throw new Error('no welcome');
  return message.welcome;
}

/** Alice, Bob and Carol in epoch 1, with their KeyPackages. */
export function threeMembers(suite: CipherSuite): {
  a: GroupState;
  b: GroupState;
  c: GroupState;
  clients: readonly [CreatedKeyPackage, CreatedKeyPackage, CreatedKeyPackage];
} {
  const clients = ['alice', 'bob', 'carol'].map((n) => client(suite, n)) as [
    CreatedKeyPackage,
    CreatedKeyPackage,
    CreatedKeyPackage,
  ];
  const [alice, bob, carol] = clients;
  const a0 = createGroup({ suite, keyPackage: alice.keyPackage, privateKeys: alice.privateKeys });
  const add = createCommit(a0, {
    proposals: [bob, carol].map((m) => ({ proposalType: 'add', keyPackage: m.keyPackage })),
  });
  const welcome = welcomeOf(add.welcome);
  return {
    a: confirmPendingCommit(add.state),
    b: joinFromWelcome({ suite, welcome, ...bob }),
    c: joinFromWelcome({ suite, welcome, ...carol }),
    clients,
  };
}
