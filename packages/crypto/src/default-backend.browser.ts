/**
 * Default backend in browsers and other non-Node runtimes: `portable`.
 * @module
 */
export { portableProvider as defaultProvider } from './portable/index.ts';
