import type { ReadModelDB } from '@natter/infra/runtime';
import { set } from '../runtime/change-set';
import type { Reducers } from '../runtime/reduced-projection';

/** The server aggregate (`ev.server`): the admin flag on `users`, and `server_settings`. */
export const serverReducers: Reducers<ReadModelDB> = {
  ServerAdminGranted: ({ data: d }, out) => out.patch('users', { id: d.userId }, { server_admin: set(true) }),
  ServerAdminRevoked: ({ data: d }, out) => out.patch('users', { id: d.userId }, { server_admin: set(false) }),
  RegistrationChanged: ({ data: d }, out) => out.put('server_settings', { id: 'server', registration_open: d.open }),
};
