/**
 * Path secret derivations of TreeKEM (RFC 9420 §7.4): from one secret, the chain of path
 * secrets up a filtered direct path, each node's HPKE key pair and the commit_secret.
 *
 * ```
 * leaf_secret ---------------------> DeriveSecret(., "node") -> DeriveKeyPair -> leaf key pair
 *      |
 *  DeriveSecret(., "path")
 *      v
 * path_secret[0] ------------------> DeriveSecret(., "node") -> DeriveKeyPair -> node key pair
 *      |                                          (first node of the filtered direct path)
 *  DeriveSecret(., "path")
 *      v
 *     ...
 * path_secret[n-1] (the root)
 *      |
 *  DeriveSecret(., "path") = commit_secret
 * ```
 *
 * The leaf key pair and path_secret[0] both come from one fresh random leaf_secret, as in
 * Figure 14 of §7.4 (the RFC also allows sampling them separately; the two are
 * indistinguishable to other members).
 *
 * @example
 * ```ts
 * const { leafKeyPair, pathSecrets, commitSecret } = derivePath(suite, leafSecret, 3);
 * ```
 * @module
 */
import { type KeyPair, wipe } from '@sigil/crypto';
import type { CipherSuite } from '../cipher-suite.ts';
import { deriveSecret } from '../crypto-basics.ts';

/** path_secret[n+1] = DeriveSecret(path_secret[n], "path") (also the commit_secret step). */
export function nextPathSecret(suite: CipherSuite, pathSecret: Uint8Array): Uint8Array {
  return deriveSecret(suite, pathSecret, 'path');
}

/**
 * node_priv, node_pub = KEM.DeriveKeyPair(DeriveSecret(path_secret, "node")) (§7.4). The
 * intermediate node_secret is wiped (best effort).
 */
export function deriveNodeKeyPair(suite: CipherSuite, pathSecret: Uint8Array): KeyPair {
  const nodeSecret = deriveSecret(suite, pathSecret, 'node');
  try {
    return suite.hpke.deriveKeyPair(nodeSecret);
  } finally {
    wipe(nodeSecret);
  }
}

/** What one leaf_secret yields for a filtered direct path of `length` nodes. */
export interface DerivedPath {
  /** The committer's new leaf key pair. */
  readonly leafKeyPair: KeyPair;
  /** path_secret[0 .. length-1], leaf side first. */
  readonly pathSecrets: readonly Uint8Array[];
  /** The key pair of each path node, same order. */
  readonly nodeKeyPairs: readonly KeyPair[];
  /** commit_secret: the path secret one step past the last node (§12.4.1). */
  readonly commitSecret: Uint8Array;
}

/**
 * Everything a committer derives from `leafSecret` for a filtered direct path of `length`
 * nodes (§7.4, §7.5): the leaf key pair, the path secrets, node key pairs and commit_secret.
 */
export function derivePath(
  suite: CipherSuite,
  leafSecret: Uint8Array,
  length: number,
): DerivedPath {
  const leafKeyPair = deriveNodeKeyPair(suite, leafSecret);
  const pathSecrets: Uint8Array[] = [];
  let secret = nextPathSecret(suite, leafSecret);
  for (let i = 0; i < length; i += 1) {
    pathSecrets.push(secret);
    secret = nextPathSecret(suite, secret);
  }
  return {
    leafKeyPair,
    pathSecrets,
    nodeKeyPairs: pathSecrets.map((pathSecret) => deriveNodeKeyPair(suite, pathSecret)),
    commitSecret: secret,
  };
}
