import type { NotificationSettingsView } from '@natter/contracts/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { notificationKeys, useNotificationSettings } from './notifications.queries';

/** Mute or unmute a thread's notifications for me (ThreadMuteChanged), in the thread's header. */
export function MuteThreadButton({ roomId, rootSeq }: { roomId: string; rootSeq: number }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const settings = useNotificationSettings();
  const [error, setError] = useState<string | null>(null);
  const muted = settings.data?.mutedThreads.some((t) => t.roomId === roomId && t.rootSeq === rootSeq) ?? false;
  const toggle = async () => {
    setError(null);
    qc.setQueryData<NotificationSettingsView>(notificationKeys.settings, (v) =>
      v ? { ...v, mutedThreads: muted ? v.mutedThreads.filter((t) => !(t.roomId === roomId && t.rootSeq === rootSeq)) : [...v.mutedThreads, { roomId, rootSeq }] } : v,
    );
    try {
      const { seq } = await api.muteThread(roomId, rootSeq, !muted);
      api.observe(seq);
    } catch (err) {
      setError(describeError(err));
    }
    void qc.invalidateQueries({ queryKey: notificationKeys.settings });
  };
  return (
    <>
      <button type="button" className="btn btn--ghost btn--small" aria-pressed={muted} disabled={!settings.data} onClick={() => void toggle()} title={error ?? undefined}>
        {muted ? 'Unmute thread' : 'Mute thread'}
      </button>
      {error && <span className="visually-hidden" role="alert">{error}</span>}
    </>
  );
}
