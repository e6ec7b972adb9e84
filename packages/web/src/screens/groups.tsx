/**
 * Groups: the groups this device is in (each opens its chat) and a form to create one with a
 * name and members chosen from the contacts (every device of each joins, through MLS).
 * @module
 */
import type { Contact } from '@sigil/client';
import { useState } from 'preact/hooks';
import { contactName } from '../components/identity-warning.tsx';
import { ErrorText } from '../components/notice.tsx';
import { useClientEvent, useLoad } from '../hooks.ts';
import { followLink, navigate } from '../router.ts';
import type { Session } from '../session.ts';

/** The groups screen. */
export function Groups(props: { session: Session }) {
  const { client } = props.session;
  const groups = useLoad(() => client.listGroups(), [client]);
  const contacts = useLoad(() => client.contacts(), [client]);
  useClientEvent(client, 'group', () => groups.reload());
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const toggle = (id: string) =>
    setChosen((old) => (old.includes(id) ? old.filter((c) => c !== id) : [...old, id]));
  const create = (event: SubmitEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    setBusy(true);
    setError(undefined);
    client.createGroup(trimmed, chosen).then(
      (group) => navigate(`/groups/${group.id}`),
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };

  const list = groups.value ?? [];
  const people: readonly Contact[] = (contacts.value ?? []).filter((c) => !c.identityChanged);
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title" tabindex={-1}>
        Groups
      </h1>
      <ErrorText error={groups.error} />
      {groups.loading && groups.value === undefined ? (
        <p>Loading groups…</p>
      ) : list.length === 0 ? (
        <p class="empty">You are not in any group yet.</p>
      ) : (
        <ul class="contact-list" aria-label="Your groups">
          {list.map((group) => (
            <li key={group.id}>
              <a
                href={`/groups/${group.id}`}
                onClick={followLink}
                class="contact"
                data-group={group.name}
              >
                <span class="avatar" aria-hidden="true">
                  #
                </span>
                <span class="name">{group.name === '' ? '(unnamed group)' : group.name}</span>
                <span class="badge">
                  {group.members.length} {group.members.length === 1 ? 'member' : 'members'}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <form class="card" onSubmit={create} aria-labelledby="new-group-title">
        <h2 id="new-group-title">New group</h2>
        <label for="group-name">Group name</label>
        <input
          id="group-name"
          maxLength={100}
          value={name}
          onInput={(event: Event) => setName((event.target as HTMLInputElement).value)}
        />
        <fieldset class="members-choice">
          <legend>Members</legend>
          {people.length === 0 ? (
            <p class="hint">Add contacts first; you can also add members later.</p>
          ) : (
            people.map((contact) => (
              <label key={contact.id} class="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(contact.id)}
                  onChange={() => toggle(contact.id)}
                />{' '}
                {contactName(contact)}
              </label>
            ))
          )}
        </fieldset>
        <button type="submit" disabled={busy || name.trim() === ''}>
          {busy ? 'Creating…' : 'Create group'}
        </button>
        <ErrorText error={error} />
      </form>
    </section>
  );
}
