/**
 * A one-to-one conversation: the contact's name and verified mark, the history (loaded from the
 * local store, new messages live from the WebSocket), the delivery state of sent messages, the
 * identity-changed warning that blocks sending, and the composer.
 * @module
 */
import type { Contact, Message } from '@sigil/client';
import { useEffect, useState } from 'preact/hooks';
import { Composer } from '../components/composer.tsx';
import { contactName, IdentityWarning } from '../components/identity-warning.tsx';
import { MessageList, type PendingMessage } from '../components/message-list.tsx';
import { ErrorText } from '../components/notice.tsx';
import type { DeliveryTracker } from '../delivery.ts';
import { useClientEvent, useLoad } from '../hooks.ts';
import { followLink } from '../router.ts';
import type { Session } from '../session.ts';

let nextPendingKey = 1;

function isOneToOne(message: Message, contactId: string): boolean {
  return message.contactId === contactId && message.groupId === undefined;
}

/** The conversation with one contact. */
export function Conversation(props: {
  session: Session;
  contactId: string;
  delivery: DeliveryTracker;
}) {
  const { client } = props.session;
  const { contactId, delivery } = props;
  const contact = useLoad(() => client.contact(contactId), [client, contactId]);
  const history = useLoad(() => client.messages({ contact: contactId }), [client, contactId]);
  const [live, setLive] = useState<Message[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [, setTick] = useState(0);
  useEffect(() => delivery.subscribe(() => setTick((t) => t + 1)), [delivery]);

  const messages = mergeMessages(history.value ?? [], live);
  const readIncoming = () => {
    if (document.visibilityState !== 'visible') return;
    const incoming = messages.filter((m) => m.direction === 'in').map((m) => m.id);
    delivery.markRead(client, contactId, incoming);
  };
  useEffect(readIncoming, [messages.length]);
  useEffect(() => {
    document.addEventListener('visibilitychange', readIncoming);
    return () => document.removeEventListener('visibilitychange', readIncoming);
  });

  useClientEvent(client, 'message', (message) => {
    if (isOneToOne(message, contactId)) setLive((old) => [...old, message]);
  });
  useClientEvent(client, 'identity-changed', (event) => {
    if (event.contact.id === contactId) contact.reload();
  });

  const send = (item: PendingMessage) => {
    client.send(contactId, item.text).then(
      () => {
        setPending((old) => old.filter((p) => p.key !== item.key));
        history.reload();
      },
      (error: unknown) => {
        setPending((old) => old.map((p) => (p.key === item.key ? { ...p, error } : p)));
        contact.reload();
      },
    );
  };
  const submit = (text: string) => {
    const item = { key: nextPendingKey++, text, error: undefined };
    setPending((old) => [...old, item]);
    send(item);
  };

  if (contact.loading && contact.value === undefined) return <p>Loading…</p>;
  const found: Contact | undefined = contact.value;
  if (found === undefined) {
    return (
      <UnknownSender
        session={props.session}
        contactId={contactId}
        messages={messages}
        error={contact.error ?? history.error}
        onAdded={() => contact.reload()}
      />
    );
  }
  const name = contactName(found);
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <div class="conversation-head">
        <a href="/" onClick={followLink} class="back">
          <span aria-hidden="true">‹ </span>Contacts
        </a>
        <h1 id="conversation-title" tabindex={-1}>
          {name}
          {found.identityChanged ? (
            <span class="badge badge-warn">Safety number changed</span>
          ) : (
            found.verified && (
              <span class="badge badge-ok">
                <span aria-hidden="true">✓ </span>Verified
              </span>
            )
          )}
        </h1>
        <a href={`/verify/${found.id}`} onClick={followLink} class="button secondary small">
          {found.verified && !found.identityChanged ? 'Safety number' : 'Verify'}
        </a>
      </div>
      {found.identityChanged && (
        <IdentityWarning client={client} contact={found} onAccepted={() => contact.reload()} />
      )}
      <ErrorText error={history.error} />
      <MessageList
        messages={messages}
        pending={pending}
        senderName={() => name}
        deliveryOf={(message) => delivery.get(message.id)}
        onRetry={(item) => {
          const retry = { ...item, error: undefined };
          setPending((old) => old.map((p) => (p.key === item.key ? retry : p)));
          send(retry);
        }}
        onDiscard={(item) => setPending((old) => old.filter((p) => p.key !== item.key))}
      />
      <Composer
        label={`Message ${name}`}
        disabledReason={
          found.identityChanged ? `Check ${name}’s new safety number to send` : undefined
        }
        onSend={submit}
      />
    </section>
  );
}

/** Stored history plus messages received since it loaded, each once, in store order. */
function mergeMessages(history: readonly Message[], live: readonly Message[]): Message[] {
  const seen = new Set(history.map((m) => m.id));
  const merged = [...history];
  for (const message of live) {
    if (seen.has(message.id)) continue;
    seen.add(message.id);
    merged.push(message);
  }
  return merged.sort((a, b) => a.seq - b.seq);
}

/** Messages from an account that is not a contact: read-only until it is added. */
function UnknownSender(props: {
  session: Session;
  contactId: string;
  messages: readonly Message[];
  error: unknown;
  onAdded: () => void;
}) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const add = () => {
    setBusy(true);
    props.session.client.findContact(props.contactId).then(
      () => props.onAdded(),
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <div class="conversation-head">
        <a href="/" onClick={followLink} class="back">
          <span aria-hidden="true">‹ </span>Contacts
        </a>
        <h1 id="conversation-title" tabindex={-1}>
          Account {props.contactId.slice(0, 10)}…
        </h1>
      </div>
      <ErrorText error={props.error} />
      <p class="warning">
        This account is not in your contacts. Add it to reply; then verify its safety number to be
        sure who it is.{' '}
        <button type="button" class="small" onClick={add} disabled={busy}>
          Add to contacts
        </button>
      </p>
      <ErrorText error={error} />
      <MessageList
        messages={props.messages}
        pending={[]}
        senderName={() => 'Unknown account'}
        deliveryOf={() => undefined}
        onRetry={() => {}}
        onDiscard={() => {}}
      />
    </section>
  );
}
