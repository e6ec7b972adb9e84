/**
 * Every limit of the one-to-one protocol (spec/one-to-one.md §5.1), each with its trade-off
 * (STYLE.md §2, after libsignal `consts.rs`). The values follow Signal's where Signal has one.
 *
 * The ratchet enforces the first four on every decrypt; the session record enforces
 * {@link MAX_ARCHIVED_SESSIONS}. Changing a value changes no format: records written under
 * other values still load (extra entries are trimmed oldest first).
 *
 * @module
 */

/**
 * Most skipped message keys one session stores, over all its receiver chains: 2,000 (Signal's
 * `MAX_MESSAGE_KEYS`). Each costs 36 bytes of state; a message delayed past 2,000 newer ones of
 * the same session can no longer be read. When more are stored, the oldest are dropped.
 */
export const MAX_STORED_SKIPPED_KEYS = 2000;

/**
 * Largest counter jump one message may ask for: 25,000 (Signal's `MAX_FORWARD_JUMPS`). A
 * message whose counter is more than this above its chain's next counter (or whose previous
 * counter PN is, when it opens a new chain) is rejected with `RATCHET_JUMP_TOO_LARGE`, because
 * accepting it would make the receiver derive that many chain keys (two HMACs each) before it
 * can authenticate anything. Higher tolerates longer bursts of loss; lower bounds the CPU an
 * attacker can burn per forged message.
 */
export const MAX_FORWARD_JUMP = 25_000;

/**
 * Receiver chains (one per peer ratchet key) kept for late messages: 5 (Signal's
 * `MAX_RECEIVER_CHAINS`). A message on an older chain than the five newest can no longer be
 * read; the chain and its skipped keys are dropped together, oldest first. Higher tolerates
 * messages delayed across more round trips, at 72 bytes per chain plus its skipped keys.
 */
export const MAX_RECEIVER_CHAINS = 5;

/**
 * Previous sessions per peer device kept in a session record: 40 (Signal's
 * `ARCHIVED_STATES_MAX_LENGTH`). They decrypt messages still in flight after a new session
 * replaced them (simultaneous initiation, a reinstalled peer). Each costs a full ratchet state,
 * so this trades record size against tolerance of crossed sessions; oldest dropped.
 */
export const MAX_ARCHIVED_SESSIONS = 40;

/**
 * Post-quantum step interval: a party makes every `PQ_STEP_INTERVAL`-th sending chain it starts
 * a post-quantum (ML-KEM-1024) step, counted from its last step (spec §5.2): 16. Every message
 * of such a chain carries 3,141 extra header bytes (the 1568-byte ciphertext and the 1568-byte
 * next key with their type and length prefixes) and each step costs one encapsulation, one
 * decapsulation and one key generation. Lower values heal sooner after a state compromise by a
 * quantum adversary and cost more bandwidth. In a conversation that alternates, each party
 * starts one chain per round trip, so each party steps every 16 round trips.
 */
export const PQ_STEP_INTERVAL = 16;

/**
 * Longest an initiator keeps sending on a session the peer never answered: 30 days in
 * milliseconds (Signal's `MAX_UNACKNOWLEDGED_SESSION_AGE`). Until the first reply every message
 * repeats the PreKeyMessage fields, which name prekeys the peer may have rotated or lost; past
 * this age `encryptMessage` refuses with `SESSION_NOT_FOUND` so the application fetches a fresh
 * bundle instead of sending messages that may never decrypt. Shorter recovers sooner from a
 * peer that lost its prekeys; longer tolerates a peer that stays offline longer.
 */
export const MAX_UNACKNOWLEDGED_SESSION_AGE_MS = 30 * 24 * 60 * 60 * 1000;
