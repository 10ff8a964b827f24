import type { Room } from '@natter/contracts/browser';

/**
 * A room's name as text: `#general` for a public room; a private room's name without the `#` (the room list
 * draws a lock there), so a private room is never shown as if anyone could find it. A room whose visibility is
 * not known here (one you left) is shown by its name alone.
 */
export function roomName(name: string, visibility: Room['visibility'] | undefined): string {
  return visibility === 'public' ? `#${name}` : name;
}
