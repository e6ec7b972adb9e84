/**
 * The warning shown when a contact's username now points to a different account key: sending
 * is blocked until the person compares the new safety number (or accepts it).
 * @module
 */
import type { Contact, SigilClient } from '@sigil/client';
import { useState } from 'preact/hooks';
import { followLink } from '../router.ts';
import { ErrorText } from './notice.tsx';

/** A contact's display name. */
export function contactName(contact: Contact): string {
  return contact.username ?? `${contact.accountId.slice(0, 10)}…`;
}

/** The identity-changed banner with its two ways forward. */
export function IdentityWarning(props: {
  client: SigilClient;
  contact: Contact;
  onAccepted: (contact: Contact) => void;
}) {
  const { contact } = props;
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const name = contactName(contact);
  const accept = () => {
    setBusy(true);
    props.client.acceptIdentityChange(contact.id).then(
      (accepted) => {
        setBusy(false);
        props.onAccepted(accepted);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };
  return (
    <section class="warning" role="alert" aria-labelledby="identity-warning-title">
      <h2 id="identity-warning-title">{name}’s safety number has changed</h2>
      <p>
        This happens when {name} reinstalls Sigil or signs up again, but it can also mean someone is
        trying to read your messages. Sending is paused until you check. Compare the new safety
        number with {name} in person or on a call you trust.
      </p>
      <div class="actions">
        <a class="button" href={`/verify/${contact.id}`} onClick={followLink}>
          Compare safety numbers
        </a>
        <button type="button" class="secondary" onClick={accept} disabled={busy}>
          Accept the new safety number
        </button>
      </div>
      <ErrorText error={error} />
    </section>
  );
}
