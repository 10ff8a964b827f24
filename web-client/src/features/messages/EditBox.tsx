import { Limits } from '@natter/contracts/browser';
import { useEffect, useRef, useState } from 'react';

/** Inline editing of a message: Enter saves, Shift+Enter makes a new line, Escape cancels. */
export function EditBox({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const valid = text.trim().length > 0 && text.length <= Limits.messageTextChars;
  const save = () => {
    if (!valid) return;
    if (text === initial) onCancel();
    else onSave(text);
  };
  return (
    <div className="edit-box">
      <label className="visually-hidden" htmlFor="edit-box">
        Edit message
      </label>
      <textarea
        id="edit-box"
        ref={ref}
        className="composer__input"
        value={text}
        aria-invalid={!valid || undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div className="edit-box__actions">
        <span className="edit-box__hint">Enter to save, Escape to cancel{text.length > Limits.messageTextChars ? ` (too long: ${text.length} / ${Limits.messageTextChars})` : ''}</span>
        <button type="button" className="btn btn--small btn--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn--small btn--primary" disabled={!valid} onClick={save}>
          Save
        </button>
      </div>
    </div>
  );
}
