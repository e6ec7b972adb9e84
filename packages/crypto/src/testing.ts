/**
 * Both backends, for test suites that run against every provider
 * (`describe.each(allProviders())`, STYLE.md §5). Node only.
 * @module
 */
import { nodeProvider } from './node/index.ts';
import { portableProvider } from './portable/index.ts';
import type { CryptoProvider } from './provider.ts';

/** Every backend available on Node, `node` first. */
export function allProviders(): readonly CryptoProvider[] {
  return [nodeProvider, portableProvider];
}
