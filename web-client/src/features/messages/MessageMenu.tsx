import { Emoji } from '@natter/contracts/browser';
import { useEffect, useRef, useState } from 'react';
import type { MessageItem } from '../../realtime';
import { EmojiPicker } from './EmojiPicker';
import type { MessageControls } from './message-controls';

const QUICK = ['thumbsup', 'tada', 'heart', 'joy'] as const;
/** The thread pane is 360 px wide: a toolbar of every quick reaction would cover the message's author and time. */
const QUICK_IN_THREAD = 2;

/**
 * A stored message's actions. On a wide screen a toolbar appears when the row is hovered or focused (quick
 * reactions, reply, more); on a phone a long press (or the context menu) opens the same actions as a bottom
 * sheet. Everything is a button, reachable by keyboard.
 */
export function MessageMenu({ item, controls, open, onOpenChange, inThread }: {
  item: MessageItem;
  controls: MessageControls;
  /** The full menu (more actions / the phone's sheet) is open. */
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** In the thread pane: no "Reply in thread" (it is the thread), and fewer quick reactions on the toolbar. */
  inThread?: boolean;
}) {
  const [picking, setPicking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) setConfirming(false);
    else menu.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [open]);
  if (item.deleted) return null;
  const mineReacted = (emoji: string) => item.reactions.some((g) => g.emoji === emoji && g.userIds.includes(controls.me));
  const react = (emoji: string) => controls.react(item.seq, emoji, !mineReacted(emoji));
  const close = () => onOpenChange(false);
  const act = (fn: () => void) => () => {
    fn();
    close();
  };

  const quick = QUICK.map((e) => (
    <button key={e} type="button" className="message__tool" aria-label={`React ${e}`} aria-pressed={mineReacted(e)} onClick={act(() => react(e))}>
      {Emoji[e]}
    </button>
  ));
  // Every quick reaction stays one click away in the thread pane too: in the "More actions" menu.
  const toolbarQuick = inThread ? quick.slice(0, QUICK_IN_THREAD) : quick;

  return (
    <>
      <div className="message__toolbar" role="toolbar" aria-label="Message actions">
        {toolbarQuick}
        <button type="button" className="message__tool" aria-label="Add reaction" onClick={() => setPicking(true)}>
          ☺︎+
        </button>
        {!inThread && (
          <button type="button" className="message__tool" aria-label="Reply in thread" onClick={() => controls.openThread(item.threadRootSeq ?? item.seq)}>
            ↩︎
          </button>
        )}
        <button type="button" className="message__tool" aria-label="More actions" aria-haspopup="menu" aria-expanded={open} onClick={() => onOpenChange(!open)}>
          ⋯
        </button>
      </div>
      {open && (
        <>
          <div className="sheet-backdrop" onClick={close} aria-hidden="true" />
          <div className="message__menu sheet" role="menu" aria-label="Message actions" ref={menu} onKeyDown={(e) => e.key === 'Escape' && close()}>
            <div className="message__menu-quick">{quick}</div>
            {confirming ? (
              <div className="message__confirm" role="group" aria-label="Delete this message?">
                <span>Delete this message for everyone?</span>
                <button type="button" role="menuitem" className="btn btn--small btn--danger" onClick={act(() => controls.remove(item.seq))}>
                  Delete
                </button>
                <button type="button" role="menuitem" className="btn btn--small btn--ghost" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            ) : (
              <>
                <button type="button" role="menuitem" onClick={act(() => setPicking(true))}>React…</button>
                {!inThread && <button type="button" role="menuitem" onClick={act(() => controls.openThread(item.threadRootSeq ?? item.seq))}>Reply in thread</button>}
                {controls.canEdit(item) && <button type="button" role="menuitem" onClick={act(() => controls.startEdit(item.seq))}>Edit</button>}
                {controls.canPin && <button type="button" role="menuitem" onClick={act(() => controls.pin(item.seq, !item.pinned))}>{item.pinned ? 'Unpin' : 'Pin'}</button>}
                <button type="button" role="menuitem" onClick={act(() => controls.copyLink(item.seq))}>Copy link</button>
                {controls.canDelete(item) && (
                  <button type="button" role="menuitem" className="message__menu-danger" onClick={() => setConfirming(true)}>
                    Delete…
                  </button>
                )}
              </>
            )}
          </div>
        </>
      )}
      {picking && (
        <EmojiPicker
          label="React with an emoji"
          onClose={() => setPicking(false)}
          onPick={(name) => {
            setPicking(false);
            if (!mineReacted(name)) controls.react(item.seq, name, true);
          }}
        />
      )}
    </>
  );
}
