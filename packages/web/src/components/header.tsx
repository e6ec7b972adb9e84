/**
 * The signed-in header: app name, who is signed in, the connection state to the relay (live
 * region) and the navigation (Contacts, Groups, Settings) with the current page marked.
 * @module
 */

import type { ConnectionEvent } from '@sigil/client';
import { useState } from 'preact/hooks';
import { useClientEvent } from '../hooks.ts';
import { followLink, type Route } from '../router.ts';
import type { Session } from '../session.ts';

const CONNECTION_TEXT: Record<ConnectionEvent['state'], string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  synced: 'Connected',
  offline: 'Offline, retrying',
  closed: 'Disconnected',
};

/** The header of every signed-in screen. */
export function Header(props: { session: Session; route: Route }) {
  const { session, route } = props;
  const [connection, setConnection] = useState<ConnectionEvent['state']>('connecting');
  useClientEvent(session.client, 'connection', (event) => setConnection(event.state));
  const section =
    route.name === 'groups' || route.name === 'group'
      ? 'groups'
      : route.name === 'settings'
        ? 'settings'
        : 'contacts';
  const link = (href: string, name: string, label: string) => (
    <li>
      <a href={href} onClick={followLink} aria-current={section === name ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <header class="top">
      <div class="brand">
        <span class="logo" aria-hidden="true">
          ◆
        </span>{' '}
        Sigil
        <span class="who">
          <span class="visually-hidden">Signed in as </span>
          {session.me.username ?? 'you'}
        </span>
        <span class={`conn conn-${connection}`} role="status">
          {CONNECTION_TEXT[connection]}
        </span>
      </div>
      <nav aria-label="Main">
        <ul>
          {link('/', 'contacts', 'Contacts')}
          {link('/groups', 'groups', 'Groups')}
          {link('/settings', 'settings', 'Settings')}
        </ul>
      </nav>
    </header>
  );
}
