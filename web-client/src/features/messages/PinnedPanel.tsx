import { describeError } from '../../api/errors';
import { usePins } from '../../app/queries';
import { messageToItem } from '../../realtime';
import type { MessageControls } from './message-controls';
import { MessageItem } from './MessageItem';

/** The room's pinned messages, most recently pinned first, with their actions; whoever may pin can unpin here. */
export function PinnedPanel({ id, roomId, controls, nameOf, onClose }: { id: string; roomId: string; controls: MessageControls; nameOf: (u: string) => string; onClose: () => void }) {
  const pins = usePins(roomId);
  return (
    <aside id={id} className="side-panel" aria-labelledby={`${id}-title`}>
      <div className="members__head">
        <h2 id={`${id}-title`}>Pinned</h2>
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Close
        </button>
      </div>
      {pins.isPending && <p role="status">Loading…</p>}
      {pins.isError && <p role="alert">{describeError(pins.error)}</p>}
      {pins.data?.length === 0 && <p className="side-panel__empty">Nothing is pinned yet.</p>}
      <ol className="timeline__list side-panel__list" aria-label="Pinned messages">
        {pins.data?.map((m) => {
          const item = messageToItem(m, m.seq);
          const actions = (
            <div className="pinned__actions">
              <button type="button" className="btn btn--small btn--ghost" onClick={() => controls.openThread(m.threadRootSeq ?? m.seq)}>
                Thread
              </button>
              {controls.canPin && (
                <button type="button" className="btn btn--small btn--ghost" onClick={() => controls.pin(m.seq, false)}>
                  Unpin
                </button>
              )}
            </div>
          );
          return <MessageItem key={m.seq} seq={m.seq} author={m.senderName || nameOf(m.senderId)} at={m.sentAt} text={m.text} status="sent" stored={item} controls={controls} nameOf={nameOf} inThread after={actions} />;
        })}
      </ol>
    </aside>
  );
}
