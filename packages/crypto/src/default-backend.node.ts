/**
 * Default backend on Node: `node`, unless `SIGIL_CRYPTO_BACKEND=portable` forces the
 * @noble backend (a test switch, STYLE.md §5).
 * @module
 */
import { nodeProvider } from './node/index.ts';
import { portableProvider } from './portable/index.ts';
import type { CryptoProvider } from './provider.ts';

const forced = process.env.SIGIL_CRYPTO_BACKEND;

export const defaultProvider: CryptoProvider =
  forced === 'portable' ? portableProvider : nodeProvider;
