import { describe, expect, it } from 'vitest';
import { roomName } from './room-name';

describe('roomName', () => {
  it('marks public rooms with # and never a private or unknown one', () => {
    expect(roomName('general', 'public')).toBe('#general');
    expect(roomName('board', 'private')).toBe('board');
    expect(roomName('left-room', undefined)).toBe('left-room');
  });
});
