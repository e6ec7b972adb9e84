/**
 * Every limit and schedule of the client, each with its trade-off (STYLE.md §2). Most can be
 * overridden per client through `ClientOptions` (tests shorten the timers).
 *
 * @module
 */

/** One-time prekeys of each kind (X25519, ML-KEM) the client keeps on the relay. */
export const ONE_TIME_PRE_KEY_TARGET = 100;

/**
 * Refill below this many one-time prekeys of a kind: low enough that refills are rare, high
 * enough that a burst of new contacts between two checks does not exhaust them (after which
 * sessions fall back to the last-resort KEM prekey and no one-time X25519 key: still secure,
 * with less forward secrecy for the first message).
 */
export const PRE_KEY_REFILL_THRESHOLD = 20;

/** Rotate the signed prekey and the last-resort KEM prekey this often (Signal: ~2 days-1 week). */
export const SIGNED_PRE_KEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Keep a replaced signed or last-resort prekey this long: an initiator repeats the PQXDH fields
 * until the first reply for up to 30 days (MAX_UNACKNOWLEDGED_SESSION_AGE_MS), and the relay keeps
 * a message up to 30 days, so a first message built on the old key can still arrive. Longer
 * keeps more old secrets (less forward secrecy for first messages); a message that arrives after
 * it is repaired by a resend request.
 */
export const REPLACED_PRE_KEY_GRACE_MS = 30 * 24 * 60 * 60 * 1000;

/** How often the client checks its prekeys on the relay while open (also after logins). */
export const PRE_KEY_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

/**
 * The resend buffer keeps the plaintext of each sent message for this long per device, so a
 * recipient that could not decrypt it can ask again. Longer covers longer offline periods of a
 * broken device, at the cost of keeping plaintext (sealed) longer.
 */
export const RESEND_BUFFER_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** At most this many resend-buffer entries per recipient account (newest kept). */
export const RESEND_BUFFER_MAX_PER_ACCOUNT = 1000;

/** A message is sent again on request at most this many times (stops repair loops). */
export const MAX_RESENDS = 3;

/**
 * Hashes of processed envelopes are kept this long to drop redeliveries before decrypting.
 * Longer than the relay's retention (30 days), so any redelivery is still recognised.
 */
export const ENVELOPE_DEDUPE_RETENTION_MS = 60 * 24 * 60 * 60 * 1000;

/** Outbox work (resend requests, resends) is tried at most this many times. */
export const OUTBOX_MAX_ATTEMPTS = 10;

/** Outbox work older than this is dropped (and reported as a delivery failure). */
export const OUTBOX_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** First reconnect delay; doubles per failed attempt up to {@link RECONNECT_MAX_MS}. */
export const RECONNECT_BASE_MS = 500;

/** Longest reconnect delay. The actual delay is uniformly random below it ("full jitter"). */
export const RECONNECT_MAX_MS = 30_000;

/**
 * Largest message body (text as UTF-8, or bytes). The relay takes envelopes up to 256 KiB; the
 * padded plaintext plus a PreKeyMessage wrapper and a post-quantum ratchet step (~8 KiB) must fit.
 */
export const MAX_MESSAGE_BYTES = 200 * 1024;

/** Timeout of one HTTP request to the relay. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** One-time MLS KeyPackages a device keeps on the relay (groups), besides the last-resort one. */
export const KEY_PACKAGE_TARGET = 20;

/** Refill the KeyPackages below this many. */
export const KEY_PACKAGE_REFILL_THRESHOLD = 10;

/**
 * A KeyPackage's lifetime (`not_after - not_before`, from an hour before its creation), ms. The
 * MLS package accepts at most 90 days.
 */
export const KEY_PACKAGE_LIFETIME_MS = 60 * 24 * 60 * 60 * 1000;

/** The last-resort KeyPackage is replaced this often, ms. */
export const LAST_RESORT_KEY_PACKAGE_ROTATION_MS = 30 * 24 * 60 * 60 * 1000;

/** Attempts of a group commit or send that lose the epoch to another member's commit. */
export const GROUP_COMMIT_ATTEMPTS = 5;

/**
 * The legacy Sigil group-name GroupContext extension (private use). New groups do not use it (the
 * relay can read a GroupContext in every GroupInfo; names travel as encrypted `group_metadata`
 * instead); old stored groups still have it. Sigil leaves keep advertising it, so devices can
 * still be added to those groups (RFC 9420: members support the group's context extensions).
 */
export const GROUP_NAME_EXTENSION = 0xf5a1;

/**
 * Post-compromise security: a device that has not committed in a group for this long refreshes
 * its keys there (an empty commit with an UpdatePath). An attacker who copied its group secrets
 * can follow the group at most this long after the device is back in honest hands. Shorter
 * heals sooner and costs one commit per group and interval.
 */
export const GROUP_REKEY_INTERVAL_MS = 7 * 24 * 60 * 60 * 1000;

/** ... or once it sent this many messages in the group since its last commit. */
export const GROUP_REKEY_AFTER_MESSAGES = 100;

/** How often the background loop looks for groups due a key refresh (also when the client opens). */
export const GROUP_REKEY_CHECK_INTERVAL_MS = 60 * 60 * 1000;
