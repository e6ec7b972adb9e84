/**
 * Accounts in this browser: signing up (a new browser profile: IndexedDB store and a storage
 * key sealed under a non-extractable WebCrypto key, see `@sigil/client/browser`), signing in to
 * one (opening its profile), signing out and deleting. The relay is the page's own origin.
 *
 * Which accounts this browser holds (profile name and username, nothing secret) is kept in
 * localStorage so the start screen can list them; the account signed in last is opened again
 * when the page loads.
 *
 * @module
 */
import { type AccountInfo, SigilClient } from '@sigil/client';
import { deleteBrowserProfile, openBrowserProfile } from '@sigil/client/browser';
import { getCryptoProvider } from '@sigil/crypto';

/** An account held by this browser. */
export interface LocalAccount {
  /** The browser profile (IndexedDB database) name. */
  readonly profile: string;
  readonly username: string;
}

/** A signed-in account: its open client. */
export interface Session {
  readonly client: SigilClient;
  readonly profile: string;
  readonly me: AccountInfo;
}

const ACCOUNTS_KEY = 'sigil.accounts';
const CURRENT_KEY = 'sigil.current';

/** The accounts this browser holds. */
export function localAccounts(): LocalAccount[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(ACCOUNTS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (a): a is LocalAccount =>
        typeof a === 'object' &&
        a !== null &&
        typeof (a as LocalAccount).profile === 'string' &&
        typeof (a as LocalAccount).username === 'string',
    );
  } catch {
    return [];
  }
}

function saveAccounts(accounts: readonly LocalAccount[]): void {
  localStorage.setItem(ACCOUNTS_KEY, JSON.stringify(accounts));
}

/** The profile signed in last (and not signed out), if any. */
export function currentProfile(): LocalAccount | undefined {
  const profile = localStorage.getItem(CURRENT_KEY);
  return localAccounts().find((a) => a.profile === profile);
}

async function clientFor(profile: string): Promise<SigilClient> {
  const { store, storageKey } = await openBrowserProfile(profile);
  try {
    return new SigilClient({ crypto: getCryptoProvider(), store, storageKey, ownsStore: true });
  } finally {
    storageKey.fill(0);
  }
}

function randomProfileName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `sigil-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Creates an account named `username` on this page's relay, with every key made in this
 * browser. On failure nothing is left behind.
 * @throws SigilError `USERNAME_TAKEN`, `INVALID_ARGUMENT`, relay and storage codes.
 */
export async function signUp(username: string): Promise<Session> {
  const profile = randomProfileName();
  const client = await clientFor(profile);
  try {
    const me = await client.createAccount({ relayUrl: location.origin, username });
    client.connect();
    saveAccounts([...localAccounts(), { profile, username }]);
    localStorage.setItem(CURRENT_KEY, profile);
    return { client, profile, me };
  } catch (error) {
    await client.close().catch(() => {});
    await deleteBrowserProfile(profile).catch(() => {});
    throw error;
  }
}

/** Opens an account this browser holds and connects to the relay. */
export async function signIn(account: LocalAccount): Promise<Session> {
  const client = await clientFor(account.profile);
  try {
    const me = await client.open({ connect: true });
    localStorage.setItem(CURRENT_KEY, account.profile);
    return { client, profile: account.profile, me };
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

/** Closes the session; the account stays in this browser for a later sign-in. */
export async function signOut(session: Session): Promise<void> {
  localStorage.removeItem(CURRENT_KEY);
  await session.client.close();
}

/** Deletes the account at the relay, then every key and message in this browser. */
export async function deleteAccount(session: Session): Promise<void> {
  await session.client.deleteAccount();
  await forgetAccount(session.profile);
}

/** Removes an account's data from this browser (not from the relay). */
export async function forgetAccount(profile: string): Promise<void> {
  await deleteBrowserProfile(profile);
  saveAccounts(localAccounts().filter((a) => a.profile !== profile));
  if (localStorage.getItem(CURRENT_KEY) === profile) localStorage.removeItem(CURRENT_KEY);
}
