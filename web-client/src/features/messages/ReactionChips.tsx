import { Emoji, type ReactionGroup } from '@natter/contracts/browser';
import { useState } from 'react';
import { EmojiPicker } from './EmojiPicker';

/**
 * A message's reactions: one chip per emoji with its count; pressed when I am among who reacted. Clicking a
 * chip adds or removes my reaction by what it shows (add/remove, not a blind toggle), so two devices acting
 * at once end in the state of the last change. The title names everyone who reacted.
 */
export function ReactionChips({
  reactions,
  me,
  nameOf,
  onReact,
}: {
  reactions: readonly ReactionGroup[];
  me: string;
  nameOf: (userId: string) => string;
  /** Absent: read-only chips. */
  onReact?: (emoji: string, add: boolean) => void;
}) {
  const [picking, setPicking] = useState(false);
  if (reactions.length === 0 && !picking) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {reactions.map((g) => {
        const mine = g.userIds.includes(me);
        const who = g.userIds.map((u) => (u === me ? 'you' : nameOf(u))).join(', ');
        return (
          <button
            key={g.emoji}
            type="button"
            className={`reaction${mine ? ' reaction--mine' : ''}`}
            aria-pressed={mine}
            aria-label={`${g.emoji.replace(/_/g, ' ')}: ${g.count}, by ${who}`}
            title={`:${g.emoji}: by ${who}`}
            data-emoji={g.emoji}
            disabled={!onReact}
            onClick={() => onReact?.(g.emoji, !mine)}
          >
            <span aria-hidden="true">{Emoji[g.emoji] ?? `:${g.emoji}:`}</span> <span className="reaction__count">{g.count}</span>
          </button>
        );
      })}
      {onReact && reactions.length > 0 && (
        <button type="button" className="reaction reaction--add" aria-label="Add another reaction" onClick={() => setPicking(true)}>
          +
        </button>
      )}
      {picking && onReact && (
        <EmojiPicker
          label="React with an emoji"
          onClose={() => setPicking(false)}
          onPick={(name) => {
            setPicking(false);
            const g = reactions.find((r) => r.emoji === name);
            if (!g?.userIds.includes(me)) onReact(name, true);
          }}
        />
      )}
    </div>
  );
}
