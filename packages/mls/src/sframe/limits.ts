/**
 * Every limit of Sigil's SFrame layer (RFC 9605), each with its trade-off (STYLE.md §2, as in
 * ../limits.ts). RFC 9605 leaves replay handling (§7.4, §9.3) and the epoch bits of MLS-derived
 * KIDs (§5.2) to the application. Changing a value changes no wire format, but both ends of a
 * call must agree on {@link SFRAME_DEFAULT_EPOCH_BITS} (or on the `epochBits` they pass).
 *
 * @module
 */

/** The largest KID or CTR an SFrame header can carry: 2^64 - 1 (§4.3, 8-byte fields). */
export const SFRAME_MAX_UINT64 = 2n ** 64n - 1n;

/**
 * Receiver replay window, in counter values, per KID: 128. A receiver remembers which of the
 * 128 counters at and below the highest CTR it has accepted under a KID were accepted, as the
 * sliding window of RFC 3711 §3.3.2 that RFC 9605 §9.3 suggests adapting. A frame whose CTR was
 * already accepted is rejected with `SFRAME_REPLAY`; a frame 128 or more below the highest is
 * rejected with `SFRAME_COUNTER_TOO_OLD`, since the window no longer says whether it was seen.
 * Nothing is recorded until a frame authenticates, so forged frames cannot move the window.
 * Media senders count one CTR per frame or packet: at 50 audio plus 60 video frames a second
 * under different KIDs, 128 covers more than two seconds of reordering per stream. Higher
 * tolerates more reordering (16 bytes of state per 128 counters per KID); lower drops late
 * frames sooner.
 */
export const SFRAME_REPLAY_WINDOW = 128;

/**
 * Default E, the number of low-order epoch bits in an MLS-derived KID (§5.2): 4, as in the
 * RFC's Figure 9. At most 2^E epochs can be live at once; installing an epoch removes the one
 * 2^E epochs older (same low bits), as §5.2 requires. A KID costs E bits of header: with
 * E = 4 and up to 8 members (S = 3), context 0 KIDs stay below 2^7 and encode in one byte.
 * Higher keeps more past epochs decryptable during a key change; lower shortens headers.
 */
export const SFRAME_DEFAULT_EPOCH_BITS = 4;

/** Largest E accepted (§5.2): 16 epochs bits leave at least 16 bits for index and context. */
export const SFRAME_MAX_EPOCH_BITS = 16;

/**
 * Most receive keys one SFrame context keeps: 16,384. Keys derived on demand (the MLS scheme,
 * where any member may send under any context value) are kept once a frame authenticates, so
 * a member flooding new context values could otherwise grow a receiver's memory without bound;
 * past the limit a frame under a new KID is rejected with `SFRAME_UNKNOWN_KEY_ID` (keys already
 * kept keep working, and removing an epoch frees its keys). Each key costs about 200 bytes, so
 * the limit bounds the state near 3 MiB; 16,384 covers 1,000 members with several streams each
 * across the live epochs. Higher admits larger calls; lower bounds memory more tightly.
 */
export const SFRAME_MAX_RECEIVE_KEYS = 16_384;
