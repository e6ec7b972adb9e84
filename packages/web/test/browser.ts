/**
 * Browser test harness for the web client: Debian's Chromium (`/usr/bin/chromium`, or env
 * `SIGIL_CHROMIUM`) driven by playwright-core, headless on loopback with a fresh profile; never
 * a downloaded browser. A relay child process (packages/cli/test/harness.ts) serves the built
 * app (scripts/build-web.ts builds it once when stale).
 *
 * Without Chromium the browser suites are skipped with one line saying how to enable them;
 * where they are required (env `SIGIL_REQUIRE_BROWSER=1`, or `CI`) the file fails instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** The Chromium binary the tests drive. */
export const CHROMIUM = process.env.SIGIL_CHROMIUM ?? '/usr/bin/chromium';

/** Whether a missing browser fails the tests instead of skipping them. */
export const BROWSER_REQUIRED =
  process.env.SIGIL_REQUIRE_BROWSER === '1' ||
  (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false');

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/**
 * True when Chromium is there. Otherwise prints one "skipped" line and returns false (the
 * caller's `describe.skipIf` skips), or where the browser is required registers a failing test.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const problem = `Chromium not found at ${CHROMIUM}`;
  if (BROWSER_REQUIRED) {
    describe('required browser (CI or SIGIL_REQUIRE_BROWSER=1)', () => {
      it('is installed', () => {
        throw new Error(`${problem}: apt-get install -y chromium, or set SIGIL_CHROMIUM`);
      });
    });
  } else {
    console.warn(
      `skipped: web client browser tests (${problem}; install Debian's chromium or set SIGIL_CHROMIUM=/path/to/chromium to run them)`,
    );
  }
  return false;
}

/** Launches headless Chromium with the project's flags (Playwright gives it a fresh profile). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page's console errors and uncaught errors, collected for assertions. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Saves a full-page screenshot under packages/web/test-artifacts and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs up `username` on a page showing the start screen; resolves on the contacts screen. */
export async function signUp(page: Page, username: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
}

/** Adds a contact by username on the contacts screen and opens the conversation. */
export async function addContactAndOpen(page: Page, username: string): Promise<void> {
  await page.getByLabel('Add a contact by username').fill(username);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator(`a[data-contact="${username}"]`).click();
  await page.getByRole('heading', { name: username }).waitFor();
}

/** Types `text` into the composer and sends it with Enter. */
export async function sendText(page: Page, text: string): Promise<void> {
  const composer = page.locator('#composer-text');
  await composer.fill(text);
  await composer.press('Enter');
}

/** The locator of a message bubble containing `text`. */
export function bubble(page: Page, text: string) {
  return page.locator('ol.messages li.msg', { hasText: text });
}

/** What {@link inspectStore} found in a page's IndexedDB profile. */
export interface StoreInspection {
  /** The object stores of the signed-in profile's database. */
  readonly stores: string[];
  /** The wrapping key of the storage key: its type, algorithm, extractable flag. */
  readonly wrappingKey: { isCryptoKey: boolean; algorithm: string; extractable: boolean };
  /** Whether `crypto.subtle.exportKey('raw', wrappingKey)` was refused. */
  readonly exportRefused: boolean;
  /** Paths of stored values holding one of the plaintexts (as text or UTF-8 bytes). */
  readonly plaintextHits: string[];
}

/**
 * Reads the signed-in account's IndexedDB database (`sigil-client:<profile>`, see
 * @sigil/client/browser) inside the page: the storage key's wrapping CryptoKey and every stored
 * value, searched for `plaintexts`.
 */
export async function inspectStore(
  page: Page,
  plaintexts: readonly string[],
): Promise<StoreInspection> {
  return page.evaluate(async (markers) => {
    const profile = localStorage.getItem('sigil.current');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(`sigil-client:${profile}`);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const encoded = markers.map((m) => new TextEncoder().encode(m));
    const hits: string[] = [];
    const holds = (bytes: Uint8Array, needle: Uint8Array): boolean => {
      outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
        for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
        return true;
      }
      return false;
    };
    const search = (value: unknown, path: string): void => {
      if (typeof value === 'string') {
        if (markers.some((m) => value.includes(m))) hits.push(path);
      } else if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
        const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
        if (encoded.some((needle) => holds(bytes, needle))) hits.push(path);
      } else if (typeof value === 'object' && value !== null && !(value instanceof CryptoKey)) {
        for (const [key, inner] of Object.entries(value)) search(inner, `${path}.${key}`);
      }
    };
    const all = (name: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const stores = Array.from(db.objectStoreNames);
    for (const name of stores) {
      const rows = await all(name);
      for (let i = 0; i < rows.length; i++) search(rows[i], `${name}[${i}]`);
    }
    const [record] = (await all('storageKey')) as { wrappingKey?: unknown }[];
    const key = record?.wrappingKey;
    let exportRefused = false;
    if (key instanceof CryptoKey) {
      exportRefused = await crypto.subtle.exportKey('raw', key).then(
        () => false,
        () => true,
      );
    }
    db.close();
    return {
      stores,
      wrappingKey: {
        isCryptoKey: key instanceof CryptoKey,
        algorithm: key instanceof CryptoKey ? key.algorithm.name : '',
        extractable: key instanceof CryptoKey ? key.extractable : true,
      },
      exportRefused,
      plaintextHits: hits,
    };
  }, plaintexts);
}
