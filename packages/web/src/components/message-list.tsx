/**
 * A conversation's messages, oldest first, as a list whose new entries screen readers announce:
 * each with its sender, text, time and (for sent ones) the delivery state; messages still
 * being sent or that failed come last, with Retry and Discard for a failure.
 * @module
 */
import type { Message } from '@sigil/client';
import { useEffect, useRef } from 'preact/hooks';
import type { DeliveryState } from '../delivery.ts';
import { describeError } from '../errors.ts';

/** A message typed here that is not stored yet: being sent, or failed. */
export interface PendingMessage {
  readonly key: number;
  readonly text: string;
  readonly error: unknown;
}

const STATE_TEXT: Record<DeliveryState, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function bodyText(message: Message): string {
  return message.body.type === 'text'
    ? message.body.text
    : `(a file or data of ${message.body.data.length} bytes)`;
}

/** The list of messages of one conversation. */
export function MessageList(props: {
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  /** The sender's name of a received message. */
  senderName: (message: Message) => string;
  /** The delivery state of a sent message ("Sent" when no receipt arrived). */
  deliveryOf: (message: Message) => DeliveryState | undefined;
  /** Show each received message's sender (groups). */
  showSender?: boolean;
  onRetry: (pending: PendingMessage) => void;
  onDiscard: (pending: PendingMessage) => void;
}) {
  const list = useRef<HTMLOListElement>(null);
  const count = props.messages.length + props.pending.length;
  useEffect(() => {
    const element = list.current;
    if (element !== null) element.scrollTop = element.scrollHeight;
  }, [count]);
  return (
    <ol class="messages" ref={list} aria-label="Messages" aria-live="polite" tabindex={0}>
      {count === 0 && <li class="empty">No messages yet. Say hello!</li>}
      {props.messages.map((message) => {
        const out = message.direction === 'out';
        const state = out ? (props.deliveryOf(message) ?? 'sent') : undefined;
        return (
          <li key={message.id} class={out ? 'msg out' : 'msg in'} data-id={message.id}>
            <span class="visually-hidden">{out ? 'You' : props.senderName(message)}: </span>
            {!out && props.showSender === true && (
              <span class="sender" aria-hidden="true">
                {props.senderName(message)}
              </span>
            )}
            <p class="text">{bodyText(message)}</p>
            <p class="meta">
              <time dateTime={new Date(message.sentAt).toISOString()}>{time(message.sentAt)}</time>
              {state !== undefined && (
                <span class={`delivery delivery-${state}`}> · {STATE_TEXT[state]}</span>
              )}
            </p>
          </li>
        );
      })}
      {props.pending.map((pending) => (
        <li key={`pending-${pending.key}`} class="msg out pending">
          <span class="visually-hidden">You: </span>
          <p class="text">{pending.text}</p>
          {pending.error === undefined ? (
            <p class="meta">
              <span class="delivery delivery-sending">Sending…</span>
            </p>
          ) : (
            <div class="meta failed">
              <span class="delivery delivery-failed">Not sent: {describeError(pending.error)}</span>{' '}
              <button type="button" class="link" onClick={() => props.onRetry(pending)}>
                Retry
              </button>{' '}
              <button type="button" class="link" onClick={() => props.onDiscard(pending)}>
                Discard
              </button>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
