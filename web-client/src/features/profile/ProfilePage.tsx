import { Limits } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/errors';
import { describeFileError } from '../files/file-errors';
import { useAuth, useMe } from '../../app/auth';
import { Avatar, pictureChanged } from '../people/Avatar';
import { useMeProfile } from '../people/people.queries';
import { EmailSettings } from './EmailSettings';

export function ProfilePage() {
  const { api, session } = useAuth();
  const me = useMe();
  const full = useMeProfile();
  const [v, setV] = useState({ displayName: me.displayName, bio: me.bio ?? '', statusText: me.statusText ?? '' });
  const [state, setState] = useState<{ busy: boolean; error?: string; saved?: boolean }>({ busy: false });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const displayName = v.displayName.trim();
    if (!displayName) return setState({ busy: false, error: 'Display name cannot be empty.' });
    setState({ busy: true });
    try {
      const { user } = await api.updateProfile({ displayName, bio: v.bio, statusText: v.statusText.trim() });
      session.updateUser(user);
      void full.refetch();
      setState({ busy: false, saved: true });
    } catch (err) {
      setState({ busy: false, error: describeError(err) });
    }
  };
  const [picture, setPicture] = useState<{ busy: boolean; error?: string; avatar?: string | null }>({ busy: false });
  // The picture's version: what the last change answered, else the profile's (null: none, nothing to remove).
  const avatar = picture.avatar !== undefined ? picture.avatar : (full.data?.avatar ?? null);
  const changePicture = async (file: File | undefined, remove = false) => {
    if (!file && !remove) return;
    setPicture((p) => ({ busy: true, avatar: p.avatar }));
    try {
      const result = await (remove ? api.removeAvatar() : api.setAvatar(file!, file!.name));
      pictureChanged(me.id);
      setPicture({ busy: false, avatar: result.avatar });
    } catch (err) {
      setPicture((p) => ({ busy: false, error: describeFileError(err, { picture: true }), avatar: p.avatar }));
    }
  };
  const edit = (k: keyof typeof v) => (e: { target: { value: string } }) => {
    setV({ ...v, [k]: e.target.value });
    setState({ busy: false });
  };

  return (
    <section className="page" aria-labelledby="profile-title">
      <div className="profile-card">
        <Avatar id={me.id} name={v.displayName || me.displayName} size={56} />
        <h1 id="profile-title">Your profile</h1>
      </div>
      <div className="profile-picture">
        <label className="btn btn--small" htmlFor="picture-input">
          {picture.busy ? 'Uploading…' : 'Change picture'}
        </label>
        <input id="picture-input" type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden disabled={picture.busy} onChange={(e) => void changePicture(e.target.files?.[0]).finally(() => (e.target.value = ''))} />
        {avatar && (
          <button type="button" className="btn btn--small btn--ghost" disabled={picture.busy} onClick={() => void changePicture(undefined, true)}>
            Remove picture
          </button>
        )}
        {picture.error && (
          <p className="form__error" role="alert">
            {picture.error}
          </p>
        )}
      </div>
      <dl className="profile">
        <dt>Username</dt>
        <dd>@{me.username}</dd>
        {me.email && (
          <>
            <dt>Email</dt>
            <dd>
              <EmailSettings
                email={full.data?.email ?? me.email}
                verified={full.data?.emailVerified ?? me.emailVerified ?? false}
                onChanged={(user) => {
                  session.updateUser(user);
                  void full.refetch();
                }}
              />
            </dd>
          </>
        )}
        {full.data?.serverAdmin && (
          <>
            <dt>Role</dt>
            <dd>
              Server admin (<Link to="/admin">admin panel</Link>)
            </dd>
          </>
        )}
      </dl>
      <form className="form" onSubmit={submit}>
        <label htmlFor="display-name">Display name</label>
        <input id="display-name" className="input" maxLength={Limits.displayNameChars} value={v.displayName} onChange={edit('displayName')} />
        <label htmlFor="status-text">Status</label>
        <input id="status-text" className="input" maxLength={Limits.statusTextChars} value={v.statusText} onChange={edit('statusText')} placeholder="What are you up to?" />
        <label htmlFor="bio">Bio</label>
        <textarea id="bio" className="input" rows={3} maxLength={Limits.bioChars} value={v.bio} onChange={edit('bio')} />
        {state.error && (
          <p className="form__error" role="alert">
            {state.error}
          </p>
        )}
        {state.saved && <p role="status">Saved.</p>}
        <button type="submit" className="btn btn--primary" disabled={state.busy}>
          Save
        </button>
      </form>
      <p>
        <Link to={`/users/${me.id}`}>See your profile as others do</Link>
      </p>
    </section>
  );
}
