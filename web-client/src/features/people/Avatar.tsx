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

/** A round avatar with the person's initials (decorative: their name is always written next to it). */
export function Avatar({ id, name, size = 36 }: { id: string; name: string; size?: number }) {
  return (
    <span className="avatar" aria-hidden="true" style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hue(id)} 55% 42%)` }}>
      {initials(name)}
    </span>
  );
}
