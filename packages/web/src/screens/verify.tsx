/**
 * Verifying a contact: the safety number of this account and the contact (60 digits in 12
 * groups, the same on both screens) and its QR code; after comparing, the person marks the
 * contact verified. A pending identity change must be accepted first.
 * @module
 */
import { useState } from 'preact/hooks';
import { contactName, IdentityWarning } from '../components/identity-warning.tsx';
import { ErrorText } from '../components/notice.tsx';
import { QrCode } from '../components/qr-code.tsx';
import { useLoad } from '../hooks.ts';
import { followLink } from '../router.ts';
import type { Session } from '../session.ts';

/** The verify screen of one contact. */
export function Verify(props: { session: Session; contactId: string }) {
  const { client } = props.session;
  const { contactId } = props;
  const contact = useLoad(() => client.contact(contactId), [client, contactId]);
  const number = useLoad(
    () => client.safetyNumber(contactId),
    [client, contactId, contact.value?.identityChanged],
  );
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const found = contact.value;
  if (found === undefined) {
    return contact.loading ? (
      <p>Loading…</p>
    ) : (
      <section>
        <h1 tabindex={-1}>Verify</h1>
        <ErrorText error={contact.error ?? number.error} />
        <p>
          <a href="/" onClick={followLink}>
            Back to contacts
          </a>
        </p>
      </section>
    );
  }
  const name = contactName(found);
  const markVerified = () => {
    setBusy(true);
    setError(undefined);
    client.markVerified(contactId).then(
      () => {
        setBusy(false);
        contact.reload();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };
  return (
    <section class="verify" aria-labelledby="verify-title">
      <div class="conversation-head">
        <a href={`/chat/${found.id}`} onClick={followLink} class="back">
          <span aria-hidden="true">‹ </span>Conversation
        </a>
        <h1 id="verify-title" tabindex={-1}>
          Verify {name}
        </h1>
      </div>
      {found.identityChanged && (
        <IdentityWarning client={client} contact={found} onAccepted={() => contact.reload()} />
      )}
      <p>
        Compare these numbers with the ones {name} sees for you, in person or on a call you trust.
        If every group matches, your messages can only be read by {name}’s devices.
      </p>
      <ErrorText error={number.error} />
      {number.value !== undefined && (
        <div class="safety">
          <ol class="safety-number" aria-label={`Safety number with ${name}`}>
            {number.value.groups.map((group, i) => (
              <li key={i}>{group}</li>
            ))}
          </ol>
          <QrCode
            payload={number.value.qrPayload}
            label={`QR code of the safety number with ${name}`}
          />
        </div>
      )}
      {found.verified && !found.identityChanged ? (
        <p class="verified" role="status">
          <span aria-hidden="true">✓ </span>You have verified {name}.
        </p>
      ) : (
        <button
          type="button"
          onClick={markVerified}
          disabled={busy || found.identityChanged || number.value === undefined}
        >
          {busy ? 'Saving…' : `The numbers match: mark ${name} as verified`}
        </button>
      )}
      <ErrorText error={error} />
    </section>
  );
}
