/**
 * A group conversation: history and live messages with each sender's name, the composer, and
 * the members (add contacts, remove members, leave). After leaving or being removed, the
 * history stays readable and sending is off.
 * @module
 */
import type { Contact, GroupMember, GroupSummary, Message } from '@sigil/client';
import { useState } from 'preact/hooks';
import { Composer } from '../components/composer.tsx';
import { contactName } from '../components/identity-warning.tsx';
import { MessageList, type PendingMessage } from '../components/message-list.tsx';
import { ErrorText, StatusText } from '../components/notice.tsx';
import { useClientEvent, useLoad } from '../hooks.ts';
import { followLink } from '../router.ts';
import type { Session } from '../session.ts';

let nextPendingKey = 1;

/** A member's display name. */
function memberName(member: GroupMember, me: string): string {
  if (member.accountId === me) return 'You';
  return member.username ?? `${member.accountId.slice(0, 10)}…`;
}

/** The chat of one group. */
export function GroupChat(props: { session: Session; groupId: string }) {
  const { client, me } = props.session;
  const { groupId } = props;
  const group = useLoad(() => client.getGroup(groupId), [client, groupId]);
  const history = useLoad(() => client.groupHistory(groupId), [client, groupId]);
  const [live, setLive] = useState<Message[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  useClientEvent(client, 'message', (message) => {
    if (message.groupId === groupId) setLive((old) => [...old, message]);
  });
  useClientEvent(client, 'group', (event) => {
    if (event.groupId === groupId) group.reload();
  });

  const send = (item: PendingMessage) => {
    client.sendToGroup(groupId, item.text).then(
      (message) => {
        setPending((old) => old.filter((p) => p.key !== item.key));
        setLive((old) => [...old, message]);
      },
      (error: unknown) => {
        setPending((old) => old.map((p) => (p.key === item.key ? { ...p, error } : p)));
      },
    );
  };

  const found: GroupSummary | undefined = group.value;
  const messages = merge(history.value ?? [], live);
  const names = new Map(
    (found?.members ?? []).map((m) => [m.accountId, memberName(m, me.accountId)]),
  );
  if (group.loading && found === undefined && history.value === undefined) return <p>Loading…</p>;
  // '' until this device learns the name (it travels in the group's encrypted traffic).
  const title = found === undefined ? 'Group' : found.name || '(unnamed group)';
  return (
    <section class="conversation" aria-labelledby="group-title">
      <div class="conversation-head">
        <a href="/groups" onClick={followLink} class="back">
          <span aria-hidden="true">‹ </span>Groups
        </a>
        <h1 id="group-title" tabindex={-1}>
          {title}
        </h1>
      </div>
      <ErrorText error={group.error ?? history.error} />
      {found === undefined ? (
        <p class="warning" role="status">
          You are not a member of this group (any more). Its earlier messages stay here.
        </p>
      ) : (
        <Members session={props.session} group={found} onChanged={() => group.reload()} />
      )}
      <MessageList
        messages={messages}
        pending={pending}
        showSender
        senderName={(message) =>
          names.get(message.sender.accountId) ?? `${message.sender.accountId.slice(0, 10)}…`
        }
        deliveryOf={() => 'sent'}
        onRetry={(item) => {
          const retry = { ...item, error: undefined };
          setPending((old) => old.map((p) => (p.key === item.key ? retry : p)));
          send(retry);
        }}
        onDiscard={(item) => setPending((old) => old.filter((p) => p.key !== item.key))}
      />
      <Composer
        label={`Message ${title}`}
        disabledReason={found === undefined ? 'You are not in this group' : undefined}
        onSend={(text) => {
          const item = { key: nextPendingKey++, text, error: undefined };
          setPending((old) => [...old, item]);
          send(item);
        }}
      />
    </section>
  );
}

/** The member list with add, remove and leave. */
function Members(props: { session: Session; group: GroupSummary; onChanged: () => void }) {
  const { client, me } = props.session;
  const { group } = props;
  const contacts = useLoad(() => client.contacts(), [client]);
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);

  const inGroup = new Set(group.members.map((m) => m.accountId));
  const addable: readonly Contact[] = (contacts.value ?? []).filter(
    (c) => !inGroup.has(c.accountId) && !c.identityChanged,
  );
  const act = (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    what().then(
      () => {
        setBusy(false);
        setStatus(done);
        props.onChanged();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };

  return (
    <details class="card members">
      <summary>Members ({group.members.length})</summary>
      <ul class="plain member-list">
        {group.members.map((member) => (
          <li key={member.accountId}>
            <span>{memberName(member, me.accountId)}</span>
            {member.accountId !== me.accountId && (
              <button
                type="button"
                class="secondary small"
                disabled={busy}
                onClick={() =>
                  act(
                    () => client.removeFromGroup(group.id, [member.accountId]),
                    `${memberName(member, me.accountId)} was removed.`,
                  )
                }
              >
                Remove<span class="visually-hidden"> {memberName(member, me.accountId)}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {addable.length > 0 && (
        <form
          class="inline-form"
          onSubmit={(event: SubmitEvent) => {
            event.preventDefault();
            const contact = addable.find((c) => c.id === adding);
            if (contact === undefined) return;
            act(() => client.addToGroup(group.id, [contact]), `${contactName(contact)} was added.`);
          }}
        >
          <label for="add-member">Add a contact</label>
          <div class="row">
            <select
              id="add-member"
              value={adding}
              onChange={(event: Event) => setAdding((event.target as HTMLSelectElement).value)}
            >
              <option value="">Choose…</option>
              {addable.map((contact) => (
                <option key={contact.id} value={contact.id}>
                  {contactName(contact)}
                </option>
              ))}
            </select>
            <button type="submit" disabled={busy || adding === ''}>
              Add
            </button>
          </div>
        </form>
      )}
      {!leaving ? (
        <button type="button" class="secondary small" onClick={() => setLeaving(true)}>
          Leave group…
        </button>
      ) : (
        <fieldset class="actions plain-fieldset">
          <legend class="visually-hidden">Leave the group?</legend>
          <button
            type="button"
            class="danger small"
            disabled={busy}
            onClick={() => act(() => client.leaveGroup(group.id), 'You left the group.')}
          >
            Leave {group.name || 'this group'}
          </button>
          <button type="button" class="secondary small" onClick={() => setLeaving(false)}>
            Stay
          </button>
        </fieldset>
      )}
      <ErrorText error={error} />
      <StatusText text={status} />
    </details>
  );
}

function merge(history: readonly Message[], live: readonly Message[]): Message[] {
  const seen = new Set<string>();
  const out: Message[] = [];
  for (const message of [...history, ...live]) {
    if (seen.has(message.id)) continue;
    seen.add(message.id);
    out.push(message);
  }
  return out.sort((a, b) => a.seq - b.seq);
}
