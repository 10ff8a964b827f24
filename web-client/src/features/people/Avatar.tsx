import { useEffect, useState, useSyncExternalStore } from 'react';
import { useOptionalApi } from '../../app/auth';
import type { Api } from '../../api/client';

/** Up to two initials of a display name (letters of its first and last words). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '?';
  const last = words.length > 1 ? words[words.length - 1][0] : (words[0]?.[1] ?? '');
  return (first + last).toUpperCase();
}

/** A stable hue per person, so the same person has the same colour everywhere. */
function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

/**
 * People's pictures, fetched once per person per page load (null: none, initials shown) and shared by every
 * avatar on the page. `pictureChanged` (after you set or remove yours, or a profile shows a new version)
 * fetches it again everywhere.
 */
const pictures = new Map<string, Promise<string | null>>();
const generation = new Map<string, number>();
const listeners = new Set<() => void>();
let version = 0;
/** How long an avatar of someone not described yet waits for a member list or profile to say. */
const UNKNOWN_WAIT_MS = 400;
/** Picture versions that profiles and member lists said (null: none, so nobody asks for it and gets a 404). */
const versions = new Map<string, string | null>();
function pictureOf(api: Api, userId: string): Promise<string | null> {
  if (versions.get(userId) === null) return Promise.resolve(null);
  let p = pictures.get(userId);
  if (!p) {
    // Someone no list has described yet (a message's author while the room's members are still loading): give
    // the lists a moment to say whether there is a picture, rather than asking for one that may not exist.
    const known = versions.has(userId) ? Promise.resolve() : new Promise<void>((r) => setTimeout(r, UNKNOWN_WAIT_MS));
    p = known.then(() => (versions.get(userId) === null ? null : api.avatarBlob(userId).then((b) => (b ? URL.createObjectURL(b) : null))));
    p.catch(() => pictures.delete(userId));
    pictures.set(userId, p);
  }
  return p;
}
export function pictureChanged(userId: string): void {
  const old = pictures.get(userId);
  pictures.delete(userId);
  versions.delete(userId); // unknown until the next profile says: ask for it
  void old?.then((u) => u && URL.revokeObjectURL(u), () => {});
  generation.set(userId, (generation.get(userId) ?? 0) + 1);
  version++;
  for (const fn of listeners) fn();
}
/**
 * What a profile or a member list says of people's pictures (`avatar`: a version, null for none, absent when
 * the answer does not say): a person with none is not asked for, and a new version is fetched again everywhere.
 */
export function rememberPictures(people: readonly { id: string; avatar?: string | null }[]): void {
  for (const { id, avatar } of people) {
    if (avatar === undefined) continue;
    if (versions.has(id) && versions.get(id) !== avatar) pictureChanged(id);
    versions.set(id, avatar);
  }
}
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

/** A round avatar: the person's picture, or their initials (decorative: their name is always written next to it). */
export function Avatar({ id, name, size = 36 }: { id: string; name: string; size?: number }) {
  const api = useOptionalApi();
  useSyncExternalStore(subscribe, () => version);
  const gen = generation.get(id) ?? 0;
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setUrl(null);
    if (!api) return;
    pictureOf(api, id).then((u) => live && setUrl(u), () => {});
    return () => {
      live = false;
    };
  }, [api, id, gen]);
  return (
    <span className="avatar" aria-hidden="true" data-testid="avatar" style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hue(id)} 55% 42%)` }}>
      {url ? <img src={url} alt="" className="avatar__img" width={size} height={size} /> : initials(name)}
    </span>
  );
}
