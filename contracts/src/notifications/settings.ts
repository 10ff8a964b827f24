import { z } from 'zod';
import { Text } from '../text';

/** What a person is notified of: every message, only mentions (and DMs, replies, followed threads), or nothing. */
export const NotificationLevel = z.enum(['all', 'mentions', 'nothing']);
export type NotificationLevel = z.infer<typeof NotificationLevel>;

/** An IANA time zone name the runtime knows (`Europe/Paris`, `UTC`). */
export const TimeZone = Text({ min: 1, max: 64 }).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone name');

/** `HH:MM`, 24-hour clock. */
const ClockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24-hour clock)');

/**
 * No push or desktop notification between `start` and `end` in the user's time zone (22:00-07:00 crosses
 * midnight). Notifications still land in the center, and email digests wait until the quiet hours end.
 */
const QuietHoursFields = { start: ClockTime, end: ClockTime, timeZone: TimeZone };
/** As events and views carry it: read tolerantly, like every event's data. */
export const QuietHours = z.object(QuietHoursFields);
export type QuietHours = z.infer<typeof QuietHours>;
/**
 * As a request body gives it: strict like the rest of the body, so a misspelt key is a 400, not silently dropped;
 * `start` and `end` differ (equal would mean both "never" and "all day"); the zone is stored by its canonical
 * name (`europe/berlin` is `Europe/Berlin`), as the runtime spells it.
 */
export const QuietHoursInput = z
  .strictObject(QuietHoursFields)
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] })
  .transform((q) => ({ ...q, timeZone: new Intl.DateTimeFormat('en-US', { timeZone: q.timeZone }).resolvedOptions().timeZone }));

/** Limits of the email delay, minutes: how long unread notifications wait before a digest mail (0: as soon as you are offline). */
export const EmailDelayMinutes = z.number().int().min(0).max(24 * 60);

/** The defaults of someone who never changed a setting. */
export const DefaultNotificationSettings = Object.freeze({ level: 'mentions' as NotificationLevel, push: true, email: true, emailDelayMinutes: 15, quietHours: null as QuietHours | null });

/** Minutes since midnight in `timeZone` at `at`. */
export function minutesInZone(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls in the quiet hours (start inclusive, end exclusive; a window may cross midnight). */
export function inQuietHours(q: QuietHours | null | undefined, at: Date): boolean {
  if (!q) return false;
  const now = minutesInZone(at, q.timeZone);
  const s = toMinutes(q.start);
  const e = toMinutes(q.end);
  if (s === e) return false;
  return s < e ? now >= s && now < e : now >= s || now < e;
}
