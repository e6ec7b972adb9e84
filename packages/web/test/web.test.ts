/**
 * The web client end to end in real Chromium (issue 7): a relay child process serves the built
 * app with its Content-Security-Policy; two browser contexts sign up as two people (one by
 * keyboard, on a phone-sized viewport), add each other, exchange messages both ways with
 * delivery states, verify each other (equal safety numbers), and reload: history and keys
 * survive (IndexedDB). One deletes the account and signs up again: the other sees the
 * identity-changed warning that blocks sending until accepted. A group is created, used both
 * ways and a member removed. A browser and a CLI profile chat through the same relay. The
 * relay's database files and logs hold none of the plaintexts, and the pages log no errors (a
 * CSP violation would be one). Screenshots go to packages/web/test-artifacts/.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../../scripts/build-web.ts';
import {
  cleanupDirs,
  containsBytes,
  ok,
  type RelayProcess,
  startRelayProcess,
  tempDir,
  until,
} from '../../cli/test/harness.ts';
import {
  addContactAndOpen,
  browserAvailable,
  bubble,
  collectPageErrors,
  inspectStore,
  launchChromium,
  screenshot,
  sendText,
  signUp,
} from './browser.ts';

const available = browserAvailable();

/** Every plaintext sent in this file, to search the relay's bytes for. */
const sent: string[] = [];
const secret = (label: string): string => {
  const text = `${label} ${randomBytes(8).toString('hex')}`;
  sent.push(text);
  return text;
};
const suffix = randomBytes(3).toString('hex');
const ALICE = `alice${suffix}`;
const BOB = `bob${suffix}`;
const CAROL = `carol${suffix}`;
const DAVE = `dave${suffix}`;

let relay: RelayProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
/** The two people's pages, kept for the group test. */
let people: { alice: Page; bob: Page } | undefined;

async function newPage(
  viewport: { width: number; height: number },
  url = relay.url,
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = collectPageErrors(page);
  page.on('close', () => pageErrors.push(...errors));
  await page.goto(url);
  return page;
}

describe.skipIf(!available)('web client in Chromium', () => {
  beforeAll(async () => {
    await ensureWebBuild();
    relay = await startRelayProcess();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await relay?.stop();
    cleanupDirs();
  });

  it('serves the app with a strict Content-Security-Policy and app routes', async () => {
    // Every body is read, so no connection stays busy and the relay stops at once afterwards.
    const fetch = async (url: string) => {
      const response = await globalThis.fetch(url);
      const body = await response.text();
      return { status: response.status, headers: response.headers, text: async () => body };
    };
    const root = await fetch(`${relay.url}/`);
    expect(root.status).toBe(200);
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await root.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${relay.url}${asset}`);
    expect(script.headers.get('cache-control')).toContain('immutable');
    const route = await fetch(`${relay.url}/chat/abc`);
    expect(route.status).toBe(200);
    expect(await route.text()).toBe(html);
    for (const path of ['/nope', '/chat/a/b', '/index.html/x', '/assets/missing.js']) {
      expect((await fetch(`${relay.url}${path}`)).status, path).toBe(404);
    }
    const api = await fetch(`${relay.url}/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect((JSON.parse(await api.text()) as { error: { code: string } }).error.code).toBe(
      'NOT_FOUND',
    );
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const config = await fetch(`${relay.url}/web-config.json`);
    expect(JSON.parse(await config.text())).toEqual({ relayOrigin: relay.url });
  });

  it('warns when opened under a name the relay does not sign in at (localhost)', async () => {
    const page = await newPage(
      { width: 390, height: 844 },
      relay.url.replace('127.0.0.1', 'localhost'),
    );
    await page.getByText(`This server signs devices in at ${relay.url}`).waitFor();
    await page.close();
  });

  it('two people sign up, chat both ways, verify each other, and reload', {
    timeout: 300_000,
  }, async () => {
    const alice = await newPage({ width: 1100, height: 800 });
    const bob = await newPage({ width: 390, height: 844 });
    await bob.getByRole('heading', { name: 'Create an account' }).waitFor();
    await screenshot(bob, 'welcome-phone');
    // Keyboard only: Tab reaches the username field, Enter submits.
    await bob.keyboard.press('Tab');
    expect(await bob.evaluate(() => document.activeElement?.id)).toBe('signup-username');
    await bob.keyboard.type('No Good!');
    await bob.keyboard.press('Enter');
    await bob.getByText('3 to 32 characters').waitFor();
    expect(await bob.getByLabel('Username', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    await signUp(alice, ALICE);
    await signUp(bob, BOB);

    // Alice adds Bob and writes first; Bob's contact list gains Alice when it arrives.
    await addContactAndOpen(alice, BOB);
    const hello = secret('hello bob, from the browser');
    await sendText(alice, hello);
    await bubble(alice, hello).locator('.delivery').waitFor();
    // Bob's list gains the sender (by account, no name yet); he adds Alice by username and
    // gets the same conversation.
    await bob.locator('a.contact').first().waitFor();
    await addContactAndOpen(bob, ALICE);
    await bubble(bob, hello).waitFor();
    // Bob has it open: Alice sees it read.
    await bubble(alice, hello).getByText('Read').waitFor();

    const reply = secret('hi alice, bob here');
    await sendText(bob, reply);
    await bubble(alice, reply).waitFor();
    const second = secret('second from alice');
    await sendText(alice, second);
    await bubble(bob, second).waitFor();
    await screenshot(alice, 'conversation-desktop');
    await screenshot(bob, 'conversation-phone');

    // Both verify: the safety numbers are the same on both sides.
    await alice.getByRole('link', { name: 'Verify' }).click();
    await bob.getByRole('link', { name: 'Verify' }).click();
    const digits = async (page: Page) =>
      (await page.locator('ol.safety-number li').allTextContents()).join(' ');
    await alice.locator('ol.safety-number li').first().waitFor();
    await bob.locator('ol.safety-number li').first().waitFor();
    const aliceNumber = await digits(alice);
    expect(aliceNumber).toMatch(/^([0-9]{5} ){11}[0-9]{5}$/);
    expect(await digits(bob)).toBe(aliceNumber);
    await alice.locator('svg.qr[role="img"]').waitFor();
    await screenshot(alice, 'verify-desktop');
    await screenshot(bob, 'verify-phone');
    await alice.getByRole('button', { name: /mark .* as verified/ }).click();
    await bob.getByRole('button', { name: /mark .* as verified/ }).click();
    await alice.getByText(`You have verified ${BOB}.`).waitFor();
    await bob.getByText(`You have verified ${ALICE}.`).waitFor();

    // Reload: the account opens again from IndexedDB; contacts, verification, history and
    // sessions survive (a new message still decrypts on both sides).
    await alice.reload();
    // The same screen comes back (the relay serves the app for /verify/<id>), still verified.
    await alice.getByText(`You have verified ${BOB}.`).waitFor();
    await alice.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await alice.getByRole('heading', { name: 'Contacts' }).waitFor();
    const bobLink = alice.locator(`a[data-contact="${BOB}"]`);
    await expect.poll(() => bobLink.textContent()).toContain('Verified');
    await bobLink.click();
    await bubble(alice, hello).waitFor();
    await bubble(alice, reply).waitFor();
    await bubble(alice, second).waitFor();
    await bob.reload();
    await bob.getByText(`You have verified ${ALICE}.`).waitFor();
    await bob.goto(relay.url);
    await bob.locator(`a[data-contact="${ALICE}"]`).click();
    await bubble(bob, reply).waitFor();
    const afterReload = secret('after the reload');
    await sendText(alice, afterReload);
    await bubble(bob, afterReload).waitFor();
    const back = secret('still works');
    await sendText(bob, back);
    await bubble(alice, back).waitFor();
    // Each message shown exactly once.
    expect(await bubble(alice, hello).count()).toBe(1);
    expect(await bubble(bob, afterReload).count()).toBe(1);

    // At rest in Chromium's IndexedDB: the storage key is wrapped by a non-extractable
    // AES-GCM CryptoKey, and no stored value holds a plaintext of the conversation.
    for (const page of [alice, bob]) {
      const store = await inspectStore(page, sent);
      expect(store.stores).toContain('messages');
      expect(store.wrappingKey).toEqual({
        isCryptoKey: true,
        algorithm: 'AES-GCM',
        extractable: false,
      });
      expect(store.exportRefused).toBe(true);
      expect(store.plaintextHits).toEqual([]);
    }
    await bob.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await screenshot(bob, 'contacts-phone');
    people = { alice, bob };
  });

  it('deleting an account, and the identity-changed warning that blocks sending', {
    timeout: 240_000,
  }, async () => {
    const { alice, bob } = people ?? {};
    if (alice === undefined || bob === undefined) throw new Error('needs the two-person test');
    // Bob deletes his account (confirmed by typing his username) and signs up again under the
    // same username: new keys.
    await bob.getByRole('link', { name: 'Settings', exact: true }).click();
    await screenshot(bob, 'settings-phone');
    await bob.getByRole('button', { name: 'Delete account…' }).click();
    await bob.getByLabel(/Type your username/).fill(BOB);
    await bob.getByRole('button', { name: 'Delete forever' }).click();
    await bob.getByRole('heading', { name: 'Create an account' }).waitFor();
    expect(await bob.getByRole('button', { name: `Continue as ${BOB}` }).count()).toBe(0);
    await signUp(bob, BOB);

    // Alice looks Bob up again: his username now has another key. The conversation warns and
    // sending is paused until she accepts.
    await alice.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await alice.getByLabel('Add a contact by username').fill(BOB);
    await alice.getByRole('button', { name: 'Add', exact: true }).click();
    const bobLink = alice.locator(`a[data-contact="${BOB}"]`);
    await bobLink.getByText('Safety number changed').waitFor();
    await bobLink.click();
    await alice.getByRole('heading', { name: `${BOB}’s safety number has changed` }).waitFor();
    expect(await alice.locator('#composer-text').isDisabled()).toBe(true);
    await screenshot(alice, 'identity-changed-desktop');
    await alice.getByRole('button', { name: 'Accept the new safety number' }).click();
    await alice.locator('#composer-text:not([disabled])').waitFor();
    expect(await alice.getByRole('heading', { name: /safety number has changed/ }).count()).toBe(0);

    await addContactAndOpen(bob, ALICE);
    const toNewBob = secret('to the new bob');
    await sendText(alice, toNewBob);
    await bubble(bob, toNewBob).waitFor();
  });

  it('groups: create with a contact, chat both ways, remove a member', {
    timeout: 240_000,
  }, async () => {
    const { alice, bob } = people ?? {};
    if (alice === undefined || bob === undefined) throw new Error('needs the two-person test');
    const name = `Weekend ${suffix}`;
    await alice.getByRole('link', { name: 'Groups', exact: true }).click();
    await alice.getByLabel('Group name').fill(name);
    await alice.getByRole('checkbox', { name: BOB }).check();
    await alice.getByRole('button', { name: 'Create group' }).click();
    await alice.getByRole('heading', { name }).waitFor();

    await bob.getByRole('link', { name: 'Groups', exact: true }).click();
    await bob.locator(`a[data-group="${name}"]`).click();
    await bob.getByRole('heading', { name }).waitFor();
    const toGroup = secret('hello group');
    await sendText(alice, toGroup);
    await bubble(bob, toGroup).waitFor();
    expect(await bubble(bob, toGroup).textContent()).toContain(ALICE);
    const fromBob = secret('group reply from bob');
    await sendText(bob, fromBob);
    await bubble(alice, fromBob).waitFor();
    await screenshot(alice, 'group-desktop');

    await alice.getByText('Members (2)').click();
    await alice.getByRole('button', { name: `Remove ${BOB}` }).click();
    await alice.getByText(`${BOB} was removed.`).waitFor();
    await bob.getByText('You are not a member of this group').waitFor();
    expect(await bob.locator('#composer-text').isDisabled()).toBe(true);
    const afterRemoval = secret('after bob left');
    await sendText(alice, afterRemoval);
    await bubble(alice, afterRemoval).waitFor();
    await bob.waitForTimeout(1500);
    expect(await bubble(bob, afterRemoval).count()).toBe(0);

    // Added back: Bob can write again and gets what is sent from then on.
    await alice.getByLabel('Add a contact').selectOption({ label: BOB });
    await alice.getByRole('button', { name: 'Add', exact: true }).click();
    await alice.getByText(`${BOB} was added.`).waitFor();
    await bob.locator('#composer-text:not([disabled])').waitFor();
    const back = secret('welcome back to the group');
    await sendText(alice, back);
    await bubble(bob, back).waitFor();
    expect(await bubble(bob, afterRemoval).count()).toBe(0);
  });

  it('a browser and a CLI profile chat through the same relay', { timeout: 240_000 }, async () => {
    const carol = join(tempDir('sigil-web-cli-'), 'carol');
    await ok(carol, ['init', '--relay', relay.url, '--username', CAROL]);
    const dave = await newPage({ width: 1100, height: 800 });
    await signUp(dave, DAVE);
    await ok(carol, ['contacts', 'add', DAVE]);
    await addContactAndOpen(dave, CAROL);
    const toCli = secret('from the browser to the cli');
    await sendText(dave, toCli);
    await bubble(dave, toCli).getByText('Sent').waitFor();

    let inbox: { text?: string; contact: string | null }[] = [];
    await until(async () => {
      inbox = (await ok(carol, ['inbox', '--json'])).json();
      return inbox.length > 0;
    }, 'the CLI to receive the browser message');
    expect(inbox.map((m) => [m.contact, m.text])).toEqual([[DAVE, toCli]]);

    const toBrowser = secret('from the cli to the browser');
    await ok(carol, ['send', DAVE, toBrowser]);
    await bubble(dave, toBrowser).waitFor();
  });

  it('the relay database and logs hold no plaintext; no page errors', async () => {
    expect(sent.length).toBeGreaterThan(5);
    const files = relay.files();
    const logs = relay.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const text of sent) {
      expect(containsBytes(files, text), `database holds "${text}"`).toBe(false);
      expect(containsBytes([logs], text), `logs hold "${text}"`).toBe(false);
    }
    for (const context of contexts) for (const page of context.pages()) await page.close();
    expect(pageErrors).toEqual([]);
  });
});
