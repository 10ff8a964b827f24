import { AsOfSeqHeader, MinSeqQuery, NotificationsQuery, parseOrThrow } from '@natter/contracts';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../http/auth';
import type { NotificationsService } from './notifications.service';

/** GET /api/me/notifications, /api/me/notification-settings and the VAPID public key (issue 13). */
export function registerNotificationRoutes(app: FastifyInstance, auth: Authenticator, s: NotificationsService, vapidPublicKey: string | null): void {
  app.get('/api/me/notifications', async (req, reply) => {
    const caller = await auth.authenticate(req.headers.authorization);
    const page = await s.list(caller, parseOrThrow(NotificationsQuery, req.query ?? {}));
    void reply.header(AsOfSeqHeader, String(page.asOfSeq));
    return page;
  });
  app.get('/api/me/notification-settings', async (req, reply) => {
    const caller = await auth.authenticate(req.headers.authorization);
    const view = await s.settings(caller, parseOrThrow(MinSeqQuery, req.query ?? {}).minSeq);
    void reply.header(AsOfSeqHeader, String(view.asOfSeq));
    return view;
  });
  // Configuration, not the read model: no minSeq. Signed-in callers only, like every route but sign-in.
  app.get('/api/push/vapid-key', async (req) => {
    await auth.authenticate(req.headers.authorization);
    parseOrThrow(MinSeqQuery, req.query ?? {}); // clients send their minSeq with every read; nothing to wait for here
    return { publicKey: vapidPublicKey };
  });
}
