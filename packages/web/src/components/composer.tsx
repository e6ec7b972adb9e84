/**
 * The message composer: a labelled text area (Enter sends, Shift+Enter starts a new line) and
 * a Send button; disabled with a reason when sending is not possible.
 * @module
 */
import { useEffect, useRef, useState } from 'preact/hooks';

/** The composer. `disabledReason` set: the text area is read-only and says why. */
export function Composer(props: {
  label: string;
  disabledReason?: string | undefined;
  onSend: (text: string) => void;
}) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const disabled = props.disabledReason !== undefined;
  useEffect(() => {
    if (!disabled) area.current?.focus();
  }, [disabled]);
  const send = () => {
    const trimmed = text.trim();
    if (trimmed === '' || disabled) return;
    props.onSend(trimmed);
    setText('');
  };
  return (
    <form
      class="composer"
      onSubmit={(event: SubmitEvent) => {
        event.preventDefault();
        send();
      }}
    >
      <label for="composer-text" class="visually-hidden">
        {props.label}
      </label>
      <textarea
        id="composer-text"
        ref={area}
        rows={2}
        value={text}
        disabled={disabled}
        placeholder={props.disabledReason ?? props.label}
        aria-describedby="composer-hint"
        onInput={(event: Event) => setText((event.target as HTMLTextAreaElement).value)}
        onKeyDown={(event: KeyboardEvent) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" disabled={disabled || text.trim() === ''}>
        Send
      </button>
      <p id="composer-hint" class="visually-hidden">
        Enter sends; Shift and Enter start a new line.
      </p>
    </form>
  );
}
