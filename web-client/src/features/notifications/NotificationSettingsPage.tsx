import type { NotificationLevel, NotificationSettingsBody, NotificationSettingsView } from '@natter/contracts/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { useMyRooms } from '../../app/queries';
import { dmName } from '../people/people.queries';
import { roomName } from '../rooms/room-name';
import { notificationKeys, useNotificationSettings } from './notifications.queries';
import { enablePush, pushSupported } from './push-subscription';

const LEVELS: { value: NotificationLevel; label: string; hint: string }[] = [
  { value: 'all', label: 'All messages', hint: 'every message in your rooms' },
  { value: 'mentions', label: 'Mentions only', hint: 'mentions, @room, direct messages, replies and threads you follow' },
  { value: 'nothing', label: 'Nothing', hint: 'no notifications at all' },
];
const DELAYS = [0, 5, 15, 30, 60, 240, 1440];
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Settings → Notifications: what notifies you, where (push, email and its delay), quiet hours, and per room. */
export function NotificationSettingsPage() {
  const { api } = useAuth();
  const qc = useQueryClient();
  const s = useNotificationSettings();
  const rooms = useMyRooms();
  const [state, setState] = useState<{ busy?: boolean; error?: string; saved?: string }>({});
  const [push, setPush] = useState<string | null>(null);

  const save = async (what: string, run: () => Promise<{ seq: number }>) => {
    setState({ busy: true });
    try {
      const { seq } = await run();
      api.observe(seq);
      await qc.invalidateQueries({ queryKey: notificationKeys.settings });
      setState({ saved: what });
    } catch (err) {
      setState({ error: describeError(err) });
    }
  };
  // Shown at once (the controls are controlled by the query's data), confirmed by the refetch after the save.
  const optimistic = (patch: (v: NotificationSettingsView) => NotificationSettingsView) => qc.setQueryData<NotificationSettingsView>(notificationKeys.settings, (v) => (v ? patch(v) : v));
  const change = (body: NotificationSettingsBody, what: string) => {
    optimistic((v) => ({ ...v, ...body }));
    void save(what, () => api.updateNotificationSettings(body));
  };
  const changeRoom = (roomId: string, body: { level?: NotificationLevel | null; muted?: boolean }, what: string) => {
    optimistic((v) => {
      const old = v.rooms.find((r) => r.roomId === roomId) ?? { roomId, level: null, muted: false };
      return { ...v, rooms: [...v.rooms.filter((r) => r.roomId !== roomId), { ...old, ...body }] };
    });
    void save(what, () => api.updateRoomNotifications(roomId, body));
  };

  if (!s.data) return <section className="page">{s.isError ? <p className="form__error">{describeError(s.error)}</p> : <p>Loading…</p>}</section>;
  const v = s.data;
  const quiet = v.quietHours;
  const roomOf = (id: string) => v.rooms.find((r) => r.roomId === id);

  return (
    <section className="page settings" aria-labelledby="notif-title">
      <h1 id="notif-title">Notification settings</h1>
      <fieldset className="settings__group">
        <legend>Notify me about</legend>
        <div className="radio-group">
          {LEVELS.map((l) => (
            <label key={l.value}>
              <input type="radio" name="level" value={l.value} checked={v.level === l.value} onChange={() => change({ level: l.value }, 'Level saved.')} /> {l.label}{' '}
              <span className="settings__hint">({l.hint})</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="settings__group">
        <legend>Where</legend>
        <label className="checkbox">
          <input type="checkbox" checked={v.push} onChange={(e) => change({ push: e.target.checked }, 'Push saved.')} /> Desktop and phone notifications (push) while you are not in Natter
        </label>
        {v.push && (
          <p className="settings__row">
            <button
              type="button"
              className="btn btn--ghost btn--small"
              disabled={!pushSupported()}
              onClick={() => void enablePush(api).then((r) => setPush(r === 'enabled' ? 'This browser will get notifications.' : r === 'denied' ? 'The browser refused: allow notifications for this site.' : 'This browser cannot get push notifications.'), (err) => setPush(describeError(err)))}
            >
              Enable on this browser
            </button>{' '}
            {push && <span role="status">{push}</span>}
          </p>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={v.email} onChange={(e) => change({ email: e.target.checked }, 'Email saved.')} /> Email me what I missed while offline
        </label>
        <label htmlFor="email-delay">Wait before emailing</label>
        <select id="email-delay" className="input input--small" value={v.emailDelayMinutes} disabled={!v.email} onChange={(e) => change({ emailDelayMinutes: Number(e.target.value) }, 'Delay saved.')}>
          {[...new Set([...DELAYS, v.emailDelayMinutes])].sort((a, b) => a - b).map((m) => (
            <option key={m} value={m}>
              {m === 0 ? 'No wait' : m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : m < 1440 ? `${m / 60} hours` : '1 day'}
            </option>
          ))}
        </select>
      </fieldset>

      <fieldset className="settings__group">
        <legend>Quiet hours</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={!!quiet}
            onChange={(e) => change({ quietHours: e.target.checked ? { start: '22:00', end: '07:00', timeZone: localZone() } : null }, 'Quiet hours saved.')}
          />{' '}
          No push, and emails wait, between
        </label>
        {quiet && (
          <p className="settings__row">
            <input aria-label="Quiet hours start" type="time" className="input input--small" value={quiet.start} onChange={(e) => e.target.value && change({ quietHours: { ...quiet, start: e.target.value } }, 'Quiet hours saved.')} /> and{' '}
            <input aria-label="Quiet hours end" type="time" className="input input--small" value={quiet.end} onChange={(e) => e.target.value && change({ quietHours: { ...quiet, end: e.target.value } }, 'Quiet hours saved.')} />{' '}
            <span className="settings__hint">({quiet.timeZone})</span>
          </p>
        )}
      </fieldset>

      <fieldset className="settings__group">
        <legend>Rooms</legend>
        <table className="settings__rooms">
          <tbody>
            {(rooms.data ?? []).map((r) => {
              const o = roomOf(r.id);
              const name = r.kind === 'dm' ? dmName(r) : roomName(r.name, r.visibility);
              return (
                <tr key={r.id}>
                  <th scope="row">{name}</th>
                  <td>
                    <select
                      className="input input--small"
                      aria-label={`Notifications for ${name}`}
                      value={o?.level ?? 'default'}
                      onChange={(e) => changeRoom(r.id, { level: e.target.value === 'default' ? null : (e.target.value as NotificationLevel) }, `${name} saved.`)}
                    >
                      <option value="default">Default ({LEVELS.find((l) => l.value === v.level)?.label.toLowerCase()})</option>
                      {LEVELS.map((l) => (
                        <option key={l.value} value={l.value}>
                          {l.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <label className="checkbox">
                      <input type="checkbox" checked={o?.muted ?? false} onChange={(e) => changeRoom(r.id, { muted: e.target.checked }, `${name} saved.`)} /> Mute
                    </label>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      {state.error && (
        <p className="form__error" role="alert">
          {state.error}
        </p>
      )}
      {state.saved && <p role="status">{state.saved}</p>}
    </section>
  );
}
