/**
 * Receiving chains and skipped message keys of the Double Ratchet (spec/one-to-one.md §5, §5.1):
 * advancing a chain to a counter while keeping the keys of the messages skipped on the way,
 * taking a stored key out, and trimming to the limits of `limits.ts`.
 *
 * Every function returns new chain objects and new arrays; none writes into its arguments.
 *
 * Most users won't need this: `ratchetDecrypt` calls it.
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { MAX_FORWARD_JUMP, MAX_RECEIVER_CHAINS, MAX_STORED_SKIPPED_KEYS } from '../limits.ts';
import { kdfCk, nextChainKey } from './chain-key.ts';
import { equalBytes, type ReceiverChain, type SkippedKey } from './ratchet-state.ts';

/** Index of the chain opened by `ratchetKey`, or -1. */
export function findChain(chains: readonly ReceiverChain[], ratchetKey: Uint8Array): number {
  for (let i = chains.length - 1; i >= 0; i--) {
    if (equalBytes((chains[i] as ReceiverChain).ratchetKey, ratchetKey)) return i;
  }
  return -1;
}

/**
 * Throws `RATCHET_JUMP_TOO_LARGE` if reaching `target` from `next` means deriving more than
 * MAX_FORWARD_JUMP keys (spec §5.1).
 */
export function checkJump(next: number, target: number): void {
  if (target - next > MAX_FORWARD_JUMP) {
    throw new SigilError('RATCHET_JUMP_TOO_LARGE', 'message counter jumps too far ahead', {
      details: { limit: MAX_FORWARD_JUMP },
    });
  }
}

/**
 * Moves `chain` to counter `target` (>= its next counter), storing the keys of the messages it
 * skips. Only the newest MAX_STORED_SKIPPED_KEYS of them could survive the trim, so the older
 * ones are not derived (one HMAC instead of two each).
 * @throws SigilError `RATCHET_JUMP_TOO_LARGE`.
 */
export function skipTo(
  crypto: CryptoProvider,
  chain: ReceiverChain,
  target: number,
): ReceiverChain {
  if (target <= chain.nextCounter) return chain;
  checkJump(chain.nextCounter, target);
  const keepFrom = target - MAX_STORED_SKIPPED_KEYS;
  const skipped: SkippedKey[] = [];
  let chainKey = chain.chainKey;
  for (let counter = chain.nextCounter; counter < target; counter++) {
    if (counter < keepFrom) {
      chainKey = nextChainKey(crypto, chainKey);
    } else {
      const step = kdfCk(crypto, chainKey);
      skipped.push({ counter, messageKey: step.messageKey });
      chainKey = step.chainKey;
    }
  }
  return {
    ratchetKey: chain.ratchetKey,
    chainKey,
    nextCounter: target,
    skippedKeys: chain.skippedKeys.length === 0 ? skipped : chain.skippedKeys.concat(skipped),
  };
}

/**
 * The message key of counter `target` (>= the chain's next counter) and the chain after it.
 * @throws SigilError `RATCHET_JUMP_TOO_LARGE`.
 */
export function advanceTo(
  crypto: CryptoProvider,
  chain: ReceiverChain,
  target: number,
): { chain: ReceiverChain; messageKey: Uint8Array } {
  const skipped = skipTo(crypto, chain, target);
  const step = kdfCk(crypto, skipped.chainKey);
  return {
    chain: {
      ratchetKey: skipped.ratchetKey,
      chainKey: step.chainKey,
      nextCounter: target + 1,
      skippedKeys: skipped.skippedKeys,
    },
    messageKey: step.messageKey,
  };
}

/** Index of the stored key of `counter` in a chain's ascending list, or -1 (binary search). */
export function findSkipped(skipped: readonly SkippedKey[], counter: number): number {
  let low = 0;
  let high = skipped.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = (skipped[mid] as SkippedKey).counter;
    if (value === counter) return mid;
    if (value < counter) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** `chain` without its stored key at `index`. */
export function withoutSkipped(chain: ReceiverChain, index: number): ReceiverChain {
  const skippedKeys = chain.skippedKeys.slice();
  skippedKeys.splice(index, 1);
  return { ...chain, skippedKeys };
}

/**
 * Applies the limits: at most MAX_RECEIVER_CHAINS chains (the oldest dropped with their keys),
 * then at most MAX_STORED_SKIPPED_KEYS stored keys over all chains (the oldest dropped: the
 * oldest chain's lowest counters first).
 */
export function trimChains(chains: readonly ReceiverChain[]): readonly ReceiverChain[] {
  const kept =
    chains.length > MAX_RECEIVER_CHAINS
      ? chains.slice(chains.length - MAX_RECEIVER_CHAINS)
      : chains;
  let total = 0;
  for (const chain of kept) total += chain.skippedKeys.length;
  let excess = total - MAX_STORED_SKIPPED_KEYS;
  if (excess <= 0) return kept;
  return kept.map((chain) => {
    if (excess <= 0 || chain.skippedKeys.length === 0) return chain;
    const drop = Math.min(excess, chain.skippedKeys.length);
    excess -= drop;
    return { ...chain, skippedKeys: chain.skippedKeys.slice(drop) };
  });
}
