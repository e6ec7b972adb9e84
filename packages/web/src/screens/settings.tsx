/**
 * Settings: this account (username, account id), its devices (this browser marked; others can
 * be removed from the device holding the account key), signing out (keys stay in this browser)
 * and deleting the account (at the relay and in this browser), confirmed by typing the username.
 * @module
 */
import { useState } from 'preact/hooks';
import { ErrorText, StatusText } from '../components/notice.tsx';
import { useLoad } from '../hooks.ts';
import { navigate } from '../router.ts';
import { deleteAccount, type Session, signOut } from '../session.ts';

/** The settings screen. */
export function Settings(props: { session: Session; onSignedOut: () => void }) {
  const { session } = props;
  const { client } = session;
  const me = useLoad(() => client.refreshDevices(), [client]);
  const info = me.value ?? session.me;
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);

  const act = (what: () => Promise<void>, done: () => void) => {
    setBusy(true);
    setError(undefined);
    what().then(
      () => {
        setBusy(false);
        done();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };

  const leave = () => {
    navigate('/', true);
    props.onSignedOut();
  };

  return (
    <section aria-labelledby="settings-title" class="settings">
      <h1 id="settings-title" tabindex={-1}>
        Settings
      </h1>
      <section class="card" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <dl>
          <dt>Username</dt>
          <dd>{info.username ?? '(none)'}</dd>
          <dt>Account id</dt>
          <dd class="mono">{info.accountId}</dd>
          <dt>Server</dt>
          <dd class="mono">{info.relayUrl}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <ul class="plain devices">
          {info.devices.map((deviceId) => (
            <li key={deviceId}>
              Device {deviceId}
              {deviceId === info.deviceId ? (
                <span class="badge badge-ok">This browser</span>
              ) : (
                info.holdsAccountKey && (
                  <button
                    type="button"
                    class="secondary small"
                    disabled={busy}
                    onClick={() =>
                      act(
                        () => client.removeDevice(deviceId),
                        () => {
                          setStatus(`Device ${deviceId} was removed.`);
                          me.reload();
                        },
                      )
                    }
                  >
                    Remove device {deviceId}
                  </button>
                )
              )}
            </li>
          ))}
        </ul>
        <ErrorText error={me.error} />
        <p class="hint">
          {info.holdsAccountKey
            ? 'This browser holds your account key: it can remove your other devices.'
            : 'Your account key is on another device: manage devices there.'}
        </p>
      </section>
      <section class="card" aria-labelledby="signout-title">
        <h2 id="signout-title">Sign out</h2>
        <p>Your keys and messages stay in this browser; sign in again from the start screen.</p>
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => act(() => signOut(session), leave)}
        >
          Sign out
        </button>
      </section>
      <section class="card danger" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete account</h2>
        <p>
          Deletes your account on the server and every key and message in this browser. People can
          no longer reach you, and this cannot be undone.
        </p>
        {!confirming ? (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete account…
          </button>
        ) : (
          <form
            onSubmit={(event: SubmitEvent) => {
              event.preventDefault();
              if (typed.trim() !== (info.username ?? '')) return;
              act(() => deleteAccount(session), leave);
            }}
          >
            <label for="delete-confirm">Type your username ({info.username}) to confirm</label>
            <input
              id="delete-confirm"
              autocomplete="off"
              autocapitalize="none"
              value={typed}
              onInput={(event: Event) => setTyped((event.target as HTMLInputElement).value)}
            />
            <div class="actions">
              <button
                type="submit"
                class="danger"
                disabled={busy || typed.trim() !== (info.username ?? '')}
              >
                Delete forever
              </button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </section>
      <ErrorText error={error} />
      <StatusText text={status} />
    </section>
  );
}
