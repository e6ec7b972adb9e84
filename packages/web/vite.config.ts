/**
 * Vite configuration of the web client (packages/web): JSX through Vite's own oxc transform
 * with Preact's automatic runtime, the portable crypto backend by the browser conditions of
 * @sigil/crypto's imports map, and a build that the relay's Content-Security-Policy accepts (no
 * inline script, no data: URLs, no eval). scripts/build-web.ts calls `build()` with this file.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything as files: the CSP has no data: URLs and no inline scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
  },
});
