/**
 * The start screen (signed out): sign in to an account this browser already holds, or sign up
 * with a new username. Every key is generated in this browser; nothing secret leaves it.
 * @module
 */
import { useEffect, useState } from 'preact/hooks';
import { ErrorText } from '../components/notice.tsx';
import { localAccounts, type Session, signIn, signUp } from '../session.ts';

/** Usernames as the relay accepts them (packages/client account.ts). */
const USERNAME = /^[a-z][a-z0-9_.]{2,31}$/;

/**
 * The relay's own origin when this page was opened under another one (e.g. localhost for
 * 127.0.0.1): device signatures bind the relay's origin, so signing in only works there.
 */
function useOtherOrigin(): string | undefined {
  const [other, setOther] = useState<string | undefined>(undefined);
  useEffect(() => {
    fetch('/web-config.json')
      .then((response) => (response.ok ? response.json() : undefined))
      .then((config: { relayOrigin?: unknown } | undefined) => {
        const origin = config?.relayOrigin;
        if (typeof origin === 'string' && origin !== location.origin) setOther(origin);
      })
      .catch(() => {});
  }, []);
  return other;
}

/** Sign in or sign up. */
export function Welcome(props: { initialError: unknown; onSession: (session: Session) => void }) {
  const accounts = localAccounts();
  const otherOrigin = useOtherOrigin();
  const [username, setUsername] = useState('');
  const [error, setError] = useState<unknown>(props.initialError);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState<string | undefined>(undefined);

  const run = (what: string, action: () => Promise<Session>) => {
    setBusy(what);
    setError(undefined);
    action().then(
      (session) => props.onSession(session),
      (failure: unknown) => {
        setBusy(undefined);
        setError(failure);
      },
    );
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const name = username.trim().toLowerCase();
    if (!USERNAME.test(name)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    run('signup', () => signUp(name));
  };

  return (
    <main id="main" class="welcome">
      <h1>
        <span class="logo" aria-hidden="true">
          ◆
        </span>{' '}
        Sigil
      </h1>
      <p class="lead">
        End-to-end encrypted messages. Your keys are made in this browser and never leave it.
      </p>
      {otherOrigin !== undefined && (
        <p class="warning" role="alert">
          This server signs devices in at <a href={`${otherOrigin}/`}>{otherOrigin}</a>, not at{' '}
          {location.origin}. Open Sigil at that address to create an account or sign in.
        </p>
      )}
      {accounts.length > 0 && (
        <section aria-labelledby="signin-title" class="card">
          <h2 id="signin-title">Sign in on this browser</h2>
          <ul class="plain">
            {accounts.map((account) => (
              <li key={account.profile}>
                <button
                  type="button"
                  disabled={busy !== undefined}
                  onClick={() => run(account.profile, () => signIn(account))}
                >
                  {busy === account.profile ? 'Opening…' : `Continue as ${account.username}`}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="signup-title" class="card">
        <h2 id="signup-title">Create an account</h2>
        <form onSubmit={submit} noValidate>
          <label for="signup-username">Username</label>
          <input
            id="signup-username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={username}
            aria-invalid={invalid ? 'true' : undefined}
            aria-describedby="signup-hint"
            onInput={(event: Event) => setUsername((event.target as HTMLInputElement).value)}
          />
          <p id="signup-hint" class={invalid ? 'hint error' : 'hint'}>
            3 to 32 characters: lowercase letters, digits, _ or ., starting with a letter.
          </p>
          <button type="submit" disabled={busy !== undefined}>
            {busy === 'signup' ? 'Creating keys…' : 'Create account'}
          </button>
        </form>
      </section>
      <ErrorText error={error} />
    </main>
  );
}
