/**
 * Every limit of Sigil's MLS layer, each with its trade-off (STYLE.md §2, after libsignal
 * `consts.rs`). RFC 9420 leaves these to the application: §9.2 lets a member keep unconsumed
 * keys "for some reasonable amount of time to handle out-of-order message delivery", and
 * §15.3 (Denial of Service) asks implementations to bound the work a forged generation can cause.
 *
 * The secret tree enforces the generation limits on every received message; tree math enforces
 * {@link MAX_LEAF_COUNT}. Changing a value changes no wire format.
 *
 * @module
 */

/**
 * Largest distance, in generations, between a sender ratchet's next unused generation and the
 * generation a received message asks for: 1,000 (OpenMLS's default `maximum_forward_distance`).
 * A message further ahead is rejected with `MLS_GENERATION_TOO_FAR` before any key is derived,
 * because reaching it costs three HKDF-Expand calls per skipped generation, all spent before the
 * message can be authenticated. Higher tolerates longer bursts of loss from one sender; lower
 * bounds the CPU an attacker can burn with one forged sender-data block (which only needs the
 * epoch's sender_data_secret, held by every member).
 */
export const MAX_GENERATION_JUMP = 1000;

/**
 * Out-of-order window, in generations: 128. When a ratchet moves past generations whose
 * messages have not arrived, their keys and nonces are kept so those messages can still be
 * read, but only for the 128 generations just below the ratchet's position; older ones are
 * deleted (RFC 9420 §9.2). A message older than the window is rejected with
 * `MLS_GENERATION_TOO_OLD`; a message inside the window whose key is gone was already read
 * and is rejected as a replay with `MLS_SECRET_REUSED`. Each kept key costs Nk + Nn bytes
 * (28 for AES-128-GCM, 44 for ChaCha20-Poly1305) per ratchet. Higher tolerates more reordering
 * at the cost of state and of forward secrecy for the kept keys.
 */
export const OUT_OF_ORDER_WINDOW = 128;

/**
 * Most leaves a tree may have: 2^30. RFC 9420 allows 2^32 - 1 leaf indices, but node indices
 * are then up to 2^33 - 2 and no longer fit the 32-bit integer arithmetic of the tree math
 * (Appendix C). A billion members is far beyond any group MLS can serve (a Commit's UpdatePath
 * alone would need 30 HPKE encryptions per copath node's resolution), so nothing is lost.
 */
export const MAX_LEAF_COUNT = 2 ** 30;

/**
 * Longest total lifetime (not_after - not_before) Sigil accepts for a LeafNode in a KeyPackage,
 * in seconds: 90 days. RFC 9420 §7.2 requires applications to define one. It bounds how long a
 * published KeyPackage (and the init and leaf keys in it) stays usable if its owner's device is
 * lost or compromised; clients publish fresh KeyPackages well within it. Checked only when the
 * caller supplies the current time (see `validateLeafNode`). Higher lets KeyPackages sit on the
 * relay longer between refreshes; lower narrows the exposure of a stolen KeyPackage key.
 */
export const MAX_LEAF_NODE_LIFETIME = 90n * 24n * 60n * 60n;

/**
 * Most past epochs a member keeps for late application messages: 4. RFC 9420 §15.3 (delayed
 * and reordered application messages) and §9.2 let a member keep, after it moves to a new
 * epoch, what it needs to read the old epoch's application messages still in flight: the
 * epoch's secret tree, sender_data_secret, GroupContext and the members' signature keys. A
 * message of a retained epoch decrypts with its own replay protection; a handshake message of
 * a past epoch is always refused (`MLS_WRONG_EPOCH`). Each retained epoch costs a secret tree
 * (a few hundred bytes for a small group, more with skipped keys) and one signature key per
 * member, and keeps that epoch's keys alive; a member removed by a Commit can still be read in
 * the epochs it belonged to while they are retained. Higher tolerates more Commits racing ahead
 * of application messages, lower restores forward secrecy sooner (0 turns retention off).
 */
export const MAX_RETAINED_EPOCHS = 4;

/**
 * How long, in seconds, a past epoch is kept after it ended: 600 (ten minutes). Checked only
 * when the caller supplies the current time (`now`), as for KeyPackage lifetimes; an epoch
 * that ended without a known time is bounded by {@link MAX_RETAINED_EPOCHS} alone. Longer
 * tolerates longer delivery delays (offline devices fetching a backlog); shorter bounds how
 * long a compromised device could still read the previous epochs' traffic.
 */
export const EPOCH_RETENTION_SECONDS = 600n;
