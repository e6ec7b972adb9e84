/**
 * The two MLS implementations the MLS benchmark compares (RFC 9420, suite 1), behind one
 * interface: Sigil (`@sigil/mls`, node backend) and ts-mls 1.6.4. Each builds a group of N
 * members from one Commit that adds N-1 KeyPackages, then exposes the timed operations.
 * Operations under measurement are repeatable: both libraries return new states and leave the
 * old ones usable, so a Commit can be created, joined or processed again from the same state.
 */
import { getCryptoProvider } from '@sigil/crypto';
import {
  confirmPendingCommit,
  createCommit,
  createGroup,
  createKeyPackage,
  decryptApplication,
  encodeMlsMessage,
  encryptApplication,
  type GroupState,
  getCipherSuite,
  joinFromWelcome,
  processCommit,
} from '@sigil/mls';
import * as ts from 'ts-mls';

/** A group of N members built by one add Commit, and the operations the benchmark times. */
export interface Prepared {
  /** Creates (without applying) the Commit that adds the N-1 members. */
  commitAdd(): Promise<void>;
  /** Applies that Commit once; returns the size of its Welcome in bytes (MLSMessage). */
  finishAdd(): Promise<number>;
  /** Member 1 joins from the Welcome (ratchet tree in the GroupInfo). */
  join(): Promise<void>;
  /** Untimed: members 1 and 2 join, and member 1 creates the update Commit once. */
  prepareUpdate(): Promise<void>;
  /** Member 1 creates an update Commit (empty Commit with an UpdatePath). */
  update(): Promise<void>;
  /** Member 2 processes member 1's update Commit. */
  process(): Promise<void>;
}

/** A pair of members exchanging application messages. */
export interface Pair {
  /** One 100-byte message encrypted by one member and decrypted by the other. */
  roundTrip(): Promise<void>;
}

export interface Subject {
  readonly name: string;
  prepare(n: number): Promise<Prepared>;
  pair(): Promise<Pair>;
}

const MESSAGE = new Uint8Array(100).fill(0x61);
const LIFETIME = { notBefore: 0n, notAfter: 2n ** 63n - 1n };
const name = (i: number) => new TextEncoder().encode(`member-${i}`);

/** Sigil on the default (node) backend. */
export function sigilSubject(): Subject {
  const suite = getCipherSuite(getCryptoProvider(), 1);
  const member = (i: number) => createKeyPackage({ suite, identity: name(i), lifetime: LIFETIME });
  const welcomeOf = (created: ReturnType<typeof createCommit> | undefined) => {
    if (created?.welcome?.wireFormat !== 'mls_welcome') throw new Error('no Welcome');
    return created.welcome;
  };
  return {
    name: 'Sigil',
    async prepare(n) {
      const members = Array.from({ length: n }, (_, i) => member(i));
      const creator = members[0];
      const first = members[1];
      const second = members[2] ?? members[1];
      if (creator === undefined || first === undefined || second === undefined) {
        throw new Error('n >= 2');
      }
      const group = createGroup({ suite, ...creator });
      const proposals = members
        .slice(1)
        .map((m) => ({ proposalType: 'add' as const, keyPackage: m.keyPackage }));
      let added: ReturnType<typeof createCommit> | undefined;
      let one: GroupState | undefined;
      let two: GroupState | undefined;
      let updateCommit: ReturnType<typeof createCommit> | undefined;
      const joinAs = (m: typeof first) =>
        joinFromWelcome({ suite, welcome: welcomeOf(added).welcome, ...m });
      const ready = <T>(value: T | undefined): T => {
        if (value === undefined) throw new Error('prepareUpdate() first');
        return value;
      };
      return {
        async commitAdd() {
          added = createCommit(group, { proposals });
        },
        async finishAdd() {
          if (added === undefined) added = createCommit(group, { proposals });
          confirmPendingCommit(added.state);
          return encodeMlsMessage(welcomeOf(added)).length;
        },
        async join() {
          joinAs(first);
        },
        async prepareUpdate() {
          one = joinAs(first);
          two = joinAs(second);
          updateCommit = createCommit(one);
        },
        async update() {
          createCommit(ready(one));
        },
        async process() {
          processCommit(ready(two), ready(updateCommit).commit);
        },
      };
    },
    async pair() {
      const a = member(0);
      const b = member(1);
      const add = createCommit(createGroup({ suite, ...a }), {
        proposals: [{ proposalType: 'add', keyPackage: b.keyPackage }],
      });
      let alice = confirmPendingCommit(add.state);
      let bob = joinFromWelcome({ suite, welcome: welcomeOf(add).welcome, ...b });
      return {
        async roundTrip() {
          const sent = encryptApplication(alice, MESSAGE);
          alice = sent.state;
          bob = decryptApplication(bob, sent.message).state;
        },
      };
    },
  };
}

/** ts-mls 1.6.4 with its default crypto provider. */
export async function tsMlsSubject(): Promise<Subject> {
  const impl = await ts.getCiphersuiteImpl(
    ts.getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
  );
  const member = (i: number) =>
    ts.generateKeyPackage(
      { credentialType: 'basic', identity: name(i) },
      ts.defaultCapabilities(),
      ts.defaultLifetime,
      [],
      impl,
    );
  type Member = Awaited<ReturnType<typeof member>>;
  const join = (welcome: ts.Welcome, m: Member) =>
    ts.joinGroup(welcome, m.publicPackage, m.privatePackage, ts.emptyPskIndex, impl);
  const commit = (state: ts.ClientState, extraProposals: ts.Proposal[] = []) =>
    ts.createCommit(
      { state, cipherSuite: impl },
      { extraProposals, ratchetTreeExtension: true, wireAsPublicMessage: true },
    );
  return {
    name: 'ts-mls',
    async prepare(n) {
      const members: Member[] = [];
      for (let i = 0; i < n; i++) members.push(await member(i));
      const creator = members[0];
      const first = members[1];
      const second = members[2] ?? members[1];
      if (creator === undefined || first === undefined || second === undefined) {
        throw new Error('n >= 2');
      }
      const group = await ts.createGroup(
        impl.rng.randomBytes(16),
        creator.publicPackage,
        creator.privatePackage,
        [],
        impl,
      );
      const proposals = members
        .slice(1)
        .map((m): ts.Proposal => ({ proposalType: 'add', add: { keyPackage: m.publicPackage } }));
      let added: ts.CreateCommitResult | undefined;
      let one: ts.ClientState | undefined;
      let two: ts.ClientState | undefined;
      let updateCommit: ts.MLSMessage | undefined;
      const ready = <T>(value: T | undefined): T => {
        if (value === undefined) throw new Error('prepareUpdate() first');
        return value;
      };
      const welcome = () => {
        if (added?.welcome === undefined) throw new Error('no Welcome');
        return added.welcome;
      };
      return {
        async commitAdd() {
          added = await commit(group, proposals);
        },
        async finishAdd() {
          if (added === undefined) added = await commit(group, proposals);
          return ts.encodeMlsMessage({
            version: 'mls10',
            wireformat: 'mls_welcome',
            welcome: welcome(),
          }).length;
        },
        async join() {
          await join(welcome(), first);
        },
        async prepareUpdate() {
          one = await join(welcome(), first);
          two = await join(welcome(), second);
          updateCommit = (await commit(one)).commit;
        },
        async update() {
          await commit(ready(one));
        },
        async process() {
          const message = ready(updateCommit);
          if (message.wireformat !== 'mls_public_message') throw new Error('not public');
          await ts.processMessage(message, ready(two), ts.emptyPskIndex, ts.acceptAll, impl);
        },
      };
    },
    async pair() {
      const a = await member(0);
      const b = await member(1);
      const group = await ts.createGroup(
        impl.rng.randomBytes(16),
        a.publicPackage,
        a.privatePackage,
        [],
        impl,
      );
      const add = await commit(group, [
        { proposalType: 'add', add: { keyPackage: b.publicPackage } },
      ]);
      if (add.welcome === undefined) throw new Error('no Welcome');
      let alice = add.newState;
      let bob = await join(add.welcome, b);
      return {
        async roundTrip() {
          const sent = await ts.createApplicationMessage(alice, MESSAGE, impl);
          alice = sent.newState;
          const got = await ts.processPrivateMessage(
            bob,
            sent.privateMessage,
            ts.emptyPskIndex,
            impl,
          );
          bob = got.newState;
        },
      };
    },
  };
}
