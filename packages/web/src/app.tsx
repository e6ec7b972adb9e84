/**
 * The web client's top level: opens the account this browser signed in to last (or shows the
 * start screen), then the signed-in shell: header, navigation, connection state and the screen
 * of the current route.
 *
 * @module
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Header } from './components/header.tsx';
import { DeliveryTracker } from './delivery.ts';
import { parseRoute, usePath } from './router.ts';
import { Contacts } from './screens/contacts.tsx';
import { Conversation } from './screens/conversation.tsx';
import { GroupChat } from './screens/group-chat.tsx';
import { Groups } from './screens/groups.tsx';
import { Settings } from './screens/settings.tsx';
import { Verify } from './screens/verify.tsx';
import { Welcome } from './screens/welcome.tsx';
import { currentProfile, type Session, signIn } from './session.ts';

/** The whole app. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [booting, setBooting] = useState(true);
  const [bootError, setBootError] = useState<unknown>(undefined);
  useEffect(() => {
    const account = currentProfile();
    if (account === undefined) {
      setBooting(false);
      return;
    }
    signIn(account).then(
      (opened) => {
        setSession(opened);
        setBooting(false);
      },
      (error: unknown) => {
        setBootError(error);
        setBooting(false);
      },
    );
  }, []);
  if (booting) {
    return (
      <p class="boot" role="status">
        Opening your account…
      </p>
    );
  }
  if (session === undefined) {
    return (
      <Welcome
        initialError={bootError}
        onSession={(opened) => {
          setBootError(undefined);
          setSession(opened);
        }}
      />
    );
  }
  return <Shell session={session} onSignedOut={() => setSession(undefined)} />;
}

const TITLES: Record<ReturnType<typeof parseRoute>['name'], string> = {
  contacts: 'Contacts',
  chat: 'Conversation',
  verify: 'Verify',
  groups: 'Groups',
  group: 'Group',
  settings: 'Settings',
};

function Shell(props: { session: Session; onSignedOut: () => void }) {
  const { session } = props;
  const path = usePath();
  const route = parseRoute(path);
  const delivery = useMemo(() => new DeliveryTracker(session.profile), [session]);
  useEffect(() => delivery.follow(session.client), [delivery, session]);
  useEffect(() => {
    document.title = `${TITLES[route.name]} · Sigil`;
    // After a route change the clicked link may be gone: put focus on the new screen's heading
    // (unless the screen focused something itself, e.g. the composer).
    const active = document.activeElement;
    if (active === null || active === document.body || !active.isConnected) {
      document.querySelector<HTMLElement>('main h1')?.focus();
    }
  }, [path]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header session={session} route={route} />
      <main id="main">
        {route.name === 'contacts' && <Contacts session={session} />}
        {route.name === 'chat' && (
          <Conversation
            key={route.contactId}
            session={session}
            contactId={route.contactId}
            delivery={delivery}
          />
        )}
        {route.name === 'verify' && (
          <Verify key={route.contactId} session={session} contactId={route.contactId} />
        )}
        {route.name === 'groups' && <Groups session={session} />}
        {route.name === 'group' && (
          <GroupChat key={route.groupId} session={session} groupId={route.groupId} />
        )}
        {route.name === 'settings' && (
          <Settings session={session} onSignedOut={props.onSignedOut} />
        )}
      </main>
    </div>
  );
}
