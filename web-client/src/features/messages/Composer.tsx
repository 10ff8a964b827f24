import { Limits } from '@natter/contracts/browser';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

/** Enter sends, Shift+Enter makes a new line. Sending never waits: the outbox takes it at once. */
export function Composer({ roomName, onSend, onTyping, disabled }: { roomName: string; onSend: (text: string) => void; onTyping?: () => void; disabled?: boolean }) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const tooLong = text.length > Limits.messageTextChars;
  const canSend = !disabled && text.trim().length > 0 && !tooLong;

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    onSend(text);
    setText('');
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={`${hintId}-input`}>
        Message {roomName}
      </label>
      <textarea
        id={`${hintId}-input`}
        ref={ref}
        className="composer__input"
        rows={1}
        placeholder={`Message ${roomName}`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim()) onTyping?.();
        }}
        onKeyDown={onKeyDown}
        disabled={disabled}
        aria-describedby={hintId}
        aria-invalid={tooLong || undefined}
      />
      <button type="submit" className="btn btn--primary composer__send" disabled={!canSend}>
        Send
      </button>
      <p id={hintId} className={`composer__hint${tooLong ? ' composer__hint--error' : ''}`}>
        {tooLong ? `Too long: ${text.length} / ${Limits.messageTextChars} characters.` : 'Enter to send, Shift+Enter for a new line.'}
      </p>
    </form>
  );
}
