import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';

/** `/invite/<code>`: join the room the link invites to (the server checks expiry, uses, bans). */
export function InvitePage() {
  const { code = '' } = useParams();
  const { api } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const redeem = useMutation({
    mutationFn: () => api.redeemInvite(code),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: queryKeys.myRooms });
      navigate(`/rooms/${r.roomId}`);
    },
  });
  return (
    <section className="page" aria-labelledby="invite-title">
      <h1 id="invite-title">You are invited to a room</h1>
      <p>Join it to read and write there.</p>
      {redeem.isError && <p className="notice notice--error" role="alert">{describeError(redeem.error)}</p>}
      <button type="button" className="btn btn--primary" disabled={redeem.isPending} onClick={() => redeem.mutate()}>
        Join room
      </button>
    </section>
  );
}
