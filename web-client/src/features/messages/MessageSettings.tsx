import type { RoomSettings } from '@natter/contracts/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';

const WINDOWS: [string, number | null][] = [
  ['No limit', null],
  ['5 minutes', 300],
  ['15 minutes', 900],
  ['1 hour', 3600],
  ['1 day', 86_400],
];

/**
 * Owners and admins: how long authors may edit, and whether every member may pin. A section of the room's
 * settings panel (rooms/RoomSettings.tsx).
 */
export function MessageSettings({ id, roomId, settings }: { id: string; roomId: string; settings: RoomSettings }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const [window, setWindow] = useState(settings.editWindowSeconds);
  const [anyone, setAnyone] = useState(settings.anyoneCanPin);
  const save = useMutation({
    mutationFn: () => api.updateRoomSettings(roomId, { editWindowSeconds: window, anyoneCanPin: anyone }),
    onSuccess: (r) => qc.setQueryData(queryKeys.roomSettings(roomId), r.settings),
  });
  const known = WINDOWS.some(([, v]) => v === window);
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="members__subhead">
        Message settings
      </h3>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label htmlFor={`${id}-window`}>Authors may edit for</label>
        <select id={`${id}-window`} className="input" value={String(window)} onChange={(e) => setWindow(e.target.value === 'null' ? null : Number(e.target.value))}>
          {!known && <option value={String(window)}>{window} seconds</option>}
          {WINDOWS.map(([label, v]) => (
            <option key={label} value={String(v)}>
              {label}
            </option>
          ))}
        </select>
        <label className="checkbox">
          <input type="checkbox" checked={anyone} onChange={(e) => setAnyone(e.target.checked)} /> Every member may pin messages
        </label>
        <button type="submit" className="btn btn--primary" disabled={save.isPending}>
          Save
        </button>
        {save.isSuccess && <p role="status">Saved.</p>}
        {save.isError && <p role="alert" className="notice--error">{describeError(save.error)}</p>}
      </form>
    </section>
  );
}
