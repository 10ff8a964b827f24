import { describe, expect, it } from 'vitest';
import { Timelines } from './timeline';
import { message, messageEvent } from './testing';

describe('Timelines', () => {
  it('seeds the position of an untracked room from the newest page, so resume starts right after it', () => {
    const t = new Timelines();
    t.mergePage('r', [message('r', 3, 'a'), message('r', 8, 'b')], { direction: 'newest', hasMore: true, asOfSeq: 10 });
    expect(t.get('r')).toMatchObject({ position: 10, hasOlder: true, newestLoaded: true });
    expect(t.positions()).toEqual({ r: 10 });
  });

  it('does not move a tracked position from a page', () => {
    const t = new Timelines();
    t.applyEvent('r', 12, messageEvent('r', 'live'));
    t.mergePage('r', [message('r', 8, 'b')], { direction: 'newest', hasMore: false, asOfSeq: 20 });
    expect(t.get('r').position).toBe(12);
  });

  it('loads older pages below the first item without gaps or repeats', () => {
    const t = new Timelines();
    t.mergePage('r', [message('r', 5, 'e'), message('r', 6, 'f')], { direction: 'newest', hasMore: true, asOfSeq: 6 });
    t.mergePage('r', [message('r', 3, 'c'), message('r', 5, 'e again')], { direction: 'older', hasMore: true, asOfSeq: 6 });
    t.mergePage('r', [message('r', 1, 'a')], { direction: 'older', hasMore: false, asOfSeq: 6 });
    const items = t.get('r').items;
    expect(items.map((i) => i.seq)).toEqual([1, 3, 5, 6]);
    expect(items.map((i) => (i.kind === 'message' ? i.text : ''))).toEqual(['a', 'c', 'e', 'f']);
    expect(t.get('r').hasOlder).toBe(false);
  });

  it('replaces the room object on change and keeps it when nothing changed', () => {
    const t = new Timelines();
    const before = t.get('r');
    expect(t.get('r')).toBe(before);
    t.applyEvent('r', 1, messageEvent('r', 'x'));
    expect(t.get('r')).not.toBe(before);
    const after = t.get('r');
    t.applyEvent('r', 1, messageEvent('r', 'x'));
    expect(t.get('r')).toBe(after);
  });
});
