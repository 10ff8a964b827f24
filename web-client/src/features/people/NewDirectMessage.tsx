import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';
import { newClientId } from '../../realtime';
import { Composer } from '../messages/Composer';
import { useDmWith } from './people.queries';

/**
 * A conversation that does not exist yet: it is created by its first message (one per set of people, on the
 * server). An existing one opens instead.
 */
export function NewDirectMessage() {
  const [params] = useSearchParams();
  const to = (params.get('to') ?? '').split(',').filter(Boolean);
  const existing = useDmWith(to);
  if (existing) return <Navigate to={`/rooms/${existing.id}`} replace />;
  if (to.length === 0) return <Navigate to="/people" replace />;
  return <FirstMessage to={to} />;
}

function FirstMessage({ to }: { to: string[] }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const profiles = useQueries({ queries: to.map((id) => ({ queryKey: queryKeys.profile(id), queryFn: async () => (await api.profile(id)).user })) });
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const names = profiles.map((p) => p.data?.displayName ?? '…').join(', ');
  const send = async (text: string) => {
    setState({ busy: true });
    try {
      const r = await api.sendDirect({ userIds: to, clientMsgId: newClientId(), text });
      await qc.invalidateQueries({ queryKey: queryKeys.myRooms });
      navigate(`/rooms/${r.roomId}`, { replace: true });
    } catch (e) {
      setState({ busy: false, error: describeError(e) });
    }
  };
  return (
    <section className="room" aria-labelledby="dm-title">
      <header className="room__header">
        <div className="room__title">
          <h1 id="dm-title">{names}</h1>
          <p className="room__topic">Your first message starts the conversation.</p>
        </div>
      </header>
      <div className="room__body">
        <div className="room__main">
          <div className="timeline timeline--empty">{state.error && <p className="notice notice--error" role="alert">{state.error}</p>}</div>
          <Composer roomName={names} onSend={(t) => void send(t)} disabled={state.busy} />
        </div>
      </div>
    </section>
  );
}
