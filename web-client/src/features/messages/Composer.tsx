import { Limits, type Attachment } from '@natter/contracts/browser';
import { useId, useMemo, useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { PendingUploads } from '../files/PendingUploads';
import type { Uploads } from '../files/useUploads';
import { EmojiPicker } from './EmojiPicker';

/** Someone the composer can complete after `@`. */
export interface MentionCandidate {
  username: string;
  displayName: string;
}

const AT_CARET = /(?:^|[^A-Za-z0-9_@./])@([A-Za-z0-9_]{0,32})$/;
const SPECIAL: MentionCandidate[] = [
  { username: 'room', displayName: 'Everyone in the room' },
  { username: 'here', displayName: 'Everyone online' },
];

/**
 * Enter sends, Shift+Enter makes a new line. Sending never waits: the outbox takes it at once.
 * - `@` starts completing room members (and @room / @here): arrows choose, Enter or Tab takes, Escape closes.
 * - The emoji button inserts `:shortcode:` (drawn as the emoji).
 * - Up arrow in an empty composer edits your last message (`onEditLast`).
 * - With `uploads`: files dropped on it, pasted into it or picked with the paperclip upload at once (progress,
 *   cancel, retry) and go with the message; a message may then be files alone. Send waits for uploads in flight.
 */
export function Composer({
  roomName,
  label,
  onSend,
  onTyping,
  disabled,
  members = [],
  onEditLast,
  extra,
  uploads,
}: {
  roomName: string;
  /** The input's label (default "Message <room>"). */
  label?: string;
  onSend: (text: string, attachments: Attachment[]) => void;
  onTyping?: () => void;
  disabled?: boolean;
  members?: MentionCandidate[];
  /** Up arrow in an empty composer: start editing the last own message; false if there is none. */
  onEditLast?: () => boolean;
  /** More controls under the input (the thread's "Also send to room"). */
  extra?: ReactNode;
  /** Files for this message (useUploads); absent: no attachments here. */
  uploads?: Uploads;
}) {
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const listId = useId();
  const tooLong = text.length > Limits.messageTextChars;
  const ready = uploads?.ready ?? [];
  const canSend = !disabled && (text.trim().length > 0 || ready.length > 0) && !tooLong && !uploads?.busy;
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  const onDrop = (e: DragEvent) => {
    if (!uploads || !hasFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    uploads.add(Array.from(e.dataTransfer.files));
  };
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (!uploads || !files.length) return;
    e.preventDefault(); // an image on the clipboard: attach it (its text form, if any, is not pasted)
    uploads.add(files);
  };
  const inputLabel = label ?? `Message ${roomName}`;

  const at = AT_CARET.exec(text.slice(0, caret));
  const prefix = at ? at[1].toLowerCase() : null;
  const suggestions = useMemo(() => {
    if (prefix === null) return [];
    const all = [...members, ...SPECIAL];
    return all
      .filter((m) => m.username.toLowerCase().startsWith(prefix) || m.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(prefix)))
      .slice(0, 8);
  }, [members, prefix]);
  const open = suggestions.length > 0 && dismissed !== `${caret}:${text}`;

  const update = (value: string, pos: number) => {
    setText(value);
    setCaret(pos);
    setActive(0);
  };

  const insertAtCaret = (insert: string, from = caret) => {
    const el = ref.current;
    const next = text.slice(0, from) + insert + text.slice(caret);
    update(next, from + insert.length);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(from + insert.length, from + insert.length);
    });
  };

  const complete = (m: MentionCandidate) => insertAtCaret(`@${m.username} `, caret - (at ? at[1].length + 1 : 0));

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    onSend(text, ready);
    uploads?.clear();
    update('', 0);
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        complete(suggestions[active]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(`${caret}:${text}`);
        return;
      }
    }
    if (e.key === 'ArrowUp' && text === '' && onEditLast?.()) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      className={`composer${dragging ? ' composer--drop' : ''}`}
      onSubmit={submit}
      data-testid="composer"
      onDragOver={(e) => {
        if (!uploads || !hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={onDrop}
    >
      {uploads && <PendingUploads uploads={uploads} />}
      <label className="visually-hidden" htmlFor={`${hintId}-input`}>
        {inputLabel}
      </label>
      <div className="composer__field">
        {open && (
          <ul className="mention-list" role="listbox" id={listId} aria-label="People to mention">
            {suggestions.map((m, i) => (
              <li
                key={m.username}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={`mention-list__item${i === active ? ' mention-list__item--active' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  complete(m);
                }}
              >
                <strong>@{m.username}</strong> <span>{m.displayName}</span>
              </li>
            ))}
          </ul>
        )}
        <textarea
          id={`${hintId}-input`}
          ref={ref}
          className="composer__input"
          rows={1}
          placeholder={inputLabel}
          value={text}
          role="combobox"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          aria-autocomplete="list"
          onChange={(e) => {
            update(e.target.value, e.target.selectionStart ?? e.target.value.length);
            if (e.target.value.trim()) onTyping?.();
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          disabled={disabled}
          aria-describedby={hintId}
          aria-invalid={tooLong || undefined}
        />
      </div>
      <div className="composer__buttons">
        {uploads && (
          <>
            <button type="button" className="btn btn--ghost composer__attach" aria-label="Attach files" onClick={() => picker.current?.click()} disabled={disabled}>
              📎
            </button>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              data-testid="file-input"
              onChange={(e) => {
                uploads.add(Array.from(e.target.files ?? []));
                e.target.value = '';
              }}
            />
          </>
        )}
        <button type="button" className="btn btn--ghost composer__emoji" aria-label="Insert emoji" onClick={() => setPicking((p) => !p)}>
          ☺︎
        </button>
        <button type="submit" className="btn btn--primary composer__send" disabled={!canSend}>
          Send
        </button>
      </div>
      {picking && (
        <EmojiPicker
          label="Insert an emoji"
          onClose={() => setPicking(false)}
          onPick={(name) => {
            setPicking(false);
            insertAtCaret(`:${name}:`);
          }}
        />
      )}
      {extra}
      <p id={hintId} className={`composer__hint${tooLong ? ' composer__hint--error' : ''}`}>
        {tooLong ? `Too long: ${text.length} / ${Limits.messageTextChars} characters.` : 'Enter to send, Shift+Enter for a new line, **bold** *italic* `code`, @ to mention, ↑ to edit your last message.'}
      </p>
    </form>
  );
}
