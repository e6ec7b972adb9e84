/**
 * The contacts screen (home): add a person by username (their keys are fetched, checked and
 * pinned on first use) and the list of contacts with their verified mark; each opens the
 * conversation.
 * @module
 */
import type { Contact, SigilClient } from '@sigil/client';
import { useState } from 'preact/hooks';
import { contactName } from '../components/identity-warning.tsx';
import { ErrorText, StatusText } from '../components/notice.tsx';
import { useClientEvent, useLoad } from '../hooks.ts';
import { followLink } from '../router.ts';
import type { Session } from '../session.ts';

/** Account ids that sent one-to-one messages but are not contacts (newest last). */
async function unknownSenders(client: SigilClient): Promise<string[]> {
  const known = new Set((await client.contacts()).map((c) => c.id));
  const ids = new Set<string>();
  for (const message of await client.messages()) {
    if (
      message.groupId === undefined &&
      message.direction === 'in' &&
      !known.has(message.contactId)
    )
      ids.add(message.contactId);
  }
  return [...ids];
}

/** Contacts: add and list. */
export function Contacts(props: { session: Session }) {
  const { client } = props.session;
  const list = useLoad(() => client.contacts(), [client]);
  const unknown = useLoad(() => unknownSenders(client), [client]);
  useClientEvent(client, 'message', (message) => {
    list.reload();
    const known = (list.value ?? []).some((c) => c.id === message.contactId);
    if (message.groupId === undefined && !known) unknown.reload();
  });
  useClientEvent(client, 'identity-changed', () => list.reload());
  const [username, setUsername] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const add = (event: SubmitEvent) => {
    event.preventDefault();
    const name = username.trim().toLowerCase();
    if (name === '') return;
    if (name === props.session.me.username) {
      setError(undefined);
      setStatus('That is you. Add someone else’s username.');
      return;
    }
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    client.findContact(name).then(
      (contact: Contact) => {
        setBusy(false);
        setUsername('');
        setStatus(`${contactName(contact)} is in your contacts.`);
        list.reload();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };

  const contacts = list.value ?? [];
  return (
    <section aria-labelledby="contacts-title">
      <h1 id="contacts-title" tabindex={-1}>
        Contacts
      </h1>
      <form class="inline-form" onSubmit={add}>
        <label for="add-username">Add a contact by username</label>
        <div class="row">
          <input
            id="add-username"
            name="username"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            value={username}
            onInput={(event: Event) => setUsername((event.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Adding…' : 'Add'}
          </button>
        </div>
      </form>
      <ErrorText error={error} />
      <StatusText text={status} />
      <ErrorText error={list.error} />
      {list.loading && list.value === undefined ? (
        <p>Loading contacts…</p>
      ) : contacts.length === 0 ? (
        <p class="empty">No contacts yet. Add someone by their username to start a conversation.</p>
      ) : (
        <ul class="contact-list" aria-label="Your contacts">
          {contacts.map((contact) => (
            <li key={contact.id}>
              <a
                href={`/chat/${contact.id}`}
                onClick={followLink}
                class="contact"
                data-contact={contact.username ?? contact.id}
              >
                <span class="avatar" aria-hidden="true">
                  {contactName(contact).slice(0, 1).toUpperCase()}
                </span>
                <span class="name">{contactName(contact)}</span>
                {contact.identityChanged ? (
                  <span class="badge badge-warn">Safety number changed</span>
                ) : contact.verified ? (
                  <span class="badge badge-ok">
                    <span aria-hidden="true">✓ </span>Verified
                  </span>
                ) : (
                  <span class="badge">Not verified</span>
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
      {(unknown.value ?? []).length > 0 && (
        <section aria-labelledby="unknown-title">
          <h2 id="unknown-title">Messages from people not in your contacts</h2>
          <ul class="contact-list">
            {(unknown.value ?? []).map((accountId) => (
              <li key={accountId}>
                <a href={`/chat/${accountId}`} onClick={followLink} class="contact">
                  <span class="avatar" aria-hidden="true">
                    ?
                  </span>
                  <span class="name">Account {accountId.slice(0, 10)}…</span>
                  <span class="badge badge-warn">Not in contacts</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="hint">
        Tip: open a contact, then <em>Verify</em> to compare safety numbers with them.
      </p>
    </section>
  );
}
