/**
 * Messages to the person: an error (role=alert, in words from errors.ts) or a status line
 * (role=status), both announced by screen readers.
 * @module
 */
import { describeError } from '../errors.ts';

/** An error in words, or nothing when `error` is undefined. */
export function ErrorText(props: { error: unknown; id?: string }) {
  if (props.error === undefined) return null;
  return (
    <p class="error" role="alert" id={props.id}>
      {describeError(props.error)}
    </p>
  );
}

/** A polite status line (always rendered, so changes are announced). */
export function StatusText(props: { text: string | undefined }) {
  return (
    <p class="status" role="status">
      {props.text ?? ''}
    </p>
  );
}
