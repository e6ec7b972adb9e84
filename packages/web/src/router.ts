/**
 * Client-side routes of the web client: paths with the History API (the relay serves
 * index.html for every app path), a `navigate` function and a hook that re-renders on change.
 *
 * Routes: `/` contacts, `/chat/:contactId`, `/verify/:contactId`, `/groups`,
 * `/groups/:groupId`, `/settings`.
 *
 * @module
 */
import { useEffect, useState } from 'preact/hooks';

/** A parsed route. */
export type Route =
  | { readonly name: 'contacts' }
  | { readonly name: 'chat'; readonly contactId: string }
  | { readonly name: 'verify'; readonly contactId: string }
  | { readonly name: 'groups' }
  | { readonly name: 'group'; readonly groupId: string }
  | { readonly name: 'settings' };

const ID = '([A-Za-z0-9_-]{1,128})';

/** The route of a path (unknown paths show the contacts). */
export function parseRoute(path: string): Route {
  let match = new RegExp(`^/chat/${ID}$`).exec(path);
  if (match?.[1] !== undefined) return { name: 'chat', contactId: match[1] };
  match = new RegExp(`^/verify/${ID}$`).exec(path);
  if (match?.[1] !== undefined) return { name: 'verify', contactId: match[1] };
  match = new RegExp(`^/groups/${ID}$`).exec(path);
  if (match?.[1] !== undefined) return { name: 'group', groupId: match[1] };
  if (path === '/groups') return { name: 'groups' };
  if (path === '/settings') return { name: 'settings' };
  return { name: 'contacts' };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** Goes to `path` (adds a history entry unless `replace`). */
export function navigate(path: string, replace = false): void {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** The current path; re-renders the component when it changes. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return path;
}

/** Click handler for in-app links: navigates without a page load (modifier keys still work). */
export function followLink(event: MouseEvent): void {
  const link = (event.currentTarget as HTMLAnchorElement | null)?.getAttribute('href');
  if (link === null || link === undefined || !link.startsWith('/')) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(link);
}
