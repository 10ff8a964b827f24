import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';

/** The link of a digest mail: turns notification emails off, signed in or not. */
export function UnsubscribePage() {
  const { api } = useAuth();
  const [params] = useSearchParams();
  const [state, setState] = useState<'working' | 'done' | string>('working');
  useEffect(() => {
    const token = params.get('token') ?? '';
    api
      .unsubscribeEmail(token)
      .then(() => setState('done'), (err) => setState(describeError(err)));
  }, [params, api]);
  return (
    <section className="welcome" aria-live="polite">
      <h1>Notification emails</h1>
      {state === 'working' ? <p>Unsubscribing…</p> : state === 'done' ? <p>You will get no more notification emails. Turn them back on in Settings → Notifications.</p> : <p className="form__error">{state}</p>}
      <p>
        <Link to="/">Open Natter</Link>
      </p>
    </section>
  );
}
