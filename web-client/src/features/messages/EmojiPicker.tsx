import { EmojiGroups, type EmojiGroup } from '@natter/contracts/browser';
import { useEffect, useId, useRef, useState } from 'react';

const GROUP_NAMES: Record<EmojiGroup, string> = {
  smileys: 'Smileys', people: 'People', hearts: 'Hearts', nature: 'Nature', food: 'Food', activities: 'Activities', objects: 'Objects', symbols: 'Symbols',
};

/**
 * The emoji list (contracts' Emoji, the same one the server accepts reactions from) as a searchable grid.
 * A popover beside its button on a wide screen, a bottom sheet on a phone (styles.css). Escape closes it.
 */
export function EmojiPicker({ onPick, onClose, label = 'Pick an emoji' }: { onPick: (name: string) => void; onClose: () => void; label?: string }) {
  const [q, setQ] = useState('');
  const id = useId();
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  const needle = q.trim().toLowerCase().replace(/^:|:$/g, '');
  return (
    <div
      className="emoji-picker sheet"
      role="dialog"
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="emoji-picker__head">
        <label className="visually-hidden" htmlFor={`${id}-q`}>
          Search emoji
        </label>
        <input id={`${id}-q`} ref={search} className="input" placeholder="Search emoji" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="emoji-picker__groups">
        {(Object.keys(EmojiGroups) as EmojiGroup[]).map((g) => {
          const names = Object.entries(EmojiGroups[g]).filter(([n]) => !needle || n.includes(needle));
          if (names.length === 0) return null;
          return (
            <section key={g} aria-label={GROUP_NAMES[g]}>
              <h3 className="emoji-picker__group">{GROUP_NAMES[g]}</h3>
              <div className="emoji-picker__grid">
                {names.map(([name, glyph]) => (
                  <button key={name} type="button" className="emoji-picker__emoji" aria-label={name.replace(/_/g, ' ')} title={`:${name}:`} data-emoji={name} onClick={() => onPick(name)}>
                    {glyph}
                  </button>
                ))}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}
