/**
 * Prekey id checks shared by the prekey generators (spec/one-to-one.md §3: ids are `uint32`,
 * chosen by the device).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';

/** Largest prekey id: 2^32 - 1. */
export const MAX_PRE_KEY_ID = 0xffff_ffff;

/** Largest batch one generator call makes (a relay accepts at most 100 per upload). */
export const MAX_PRE_KEY_BATCH = 10_000;

/** @throws SigilError `INVALID_ARGUMENT` unless `id` is an integer in 0..2^32-1. */
export function requirePreKeyId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_PRE_KEY_ID) {
    throw new SigilError('INVALID_ARGUMENT', 'prekey id must be an integer in 0..2^32-1');
  }
}

/**
 * @throws SigilError `INVALID_ARGUMENT` unless `count` is an integer in 0..MAX_PRE_KEY_BATCH and
 *   every id from `startId` to `startId + count - 1` fits a uint32.
 */
export function requirePreKeyRange(startId: number, count: number): void {
  requirePreKeyId(startId);
  if (!Number.isInteger(count) || count < 0 || count > MAX_PRE_KEY_BATCH) {
    throw new SigilError('INVALID_ARGUMENT', 'prekey count out of range', {
      details: { max: MAX_PRE_KEY_BATCH },
    });
  }
  if (count > 0 && startId + count - 1 > MAX_PRE_KEY_ID) {
    throw new SigilError('INVALID_ARGUMENT', 'prekey ids would exceed 2^32-1');
  }
}
