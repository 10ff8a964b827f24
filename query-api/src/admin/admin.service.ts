import { NatterError, type AdminUser, type AuditEntry, type AuditQuery, type Member, type Room, type UserSession } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader, Snapshot } from '../read-model/reader';
import type { ReadScope } from '../read-model/scope';
import { iso, RoomsRepository } from '../rooms/rooms.repository';
import { DirectoryRepository, type DirectoryRow } from '../users/directory.repository';
import { AuditRepository } from './audit.repository';

const toAdminUser = (r: DirectoryRow): AdminUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  emailVerified: r.email_verified,
  deactivated: r.deactivated,
  serverAdmin: r.server_admin,
  registeredAt: r.registered_at ? iso(r.registered_at) : '',
});

/**
 * The admin panel's reads. Server admins only: every read checks the caller's server-admin flag in the same
 * snapshot as its data (ReadOptions.requireAdmin), so a revoked admin is refused at once, whatever their
 * token says.
 */
export class AdminService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly directory = new DirectoryRepository(),
    private readonly rooms = new RoomsRepository(),
    private readonly members = new MembersRepository(),
    private readonly audit = new AuditRepository(),
  ) {}

  private read<T>(caller: Caller, minSeq: number | undefined, fn: (q: ReadScope) => Promise<T>): Promise<Snapshot<T>> {
    return this.reader.read({ minSeq, callerId: caller.userId, requireAdmin: true }, fn);
  }

  users(caller: Caller, text: string, limit: number, minSeq?: number): Promise<Snapshot<{ items: AdminUser[] }>> {
    return this.read(caller, minSeq, async (q) => ({ items: (await this.directory.search(q, text, limit, { includeDeactivated: true })).map(toAdminUser) }));
  }

  sessions(caller: Caller, userId: string, minSeq?: number): Promise<Snapshot<{ items: UserSession[] }>> {
    return this.read(caller, minSeq, async (q) => {
      const rows = await q.selectFrom('user_sessions').selectAll().where('user_id', '=', userId).orderBy('started_at', 'desc').orderBy('id').limit(200).execute();
      return { items: rows.map((r) => ({ id: r.id, startedAt: iso(r.started_at), revokedAt: r.revoked_at ? iso(r.revoked_at) : null, revokeReason: r.revoke_reason })) };
    });
  }

  roomList(caller: Caller, text: string, limit: number, minSeq?: number): Promise<Snapshot<{ items: Room[] }>> {
    return this.read(caller, minSeq, async (q) => ({ items: await this.rooms.list(q, text.trim() || undefined, limit, { publicOnly: false }) }));
  }

  roomMembers(caller: Caller, roomId: string, minSeq?: number): Promise<Snapshot<{ items: Member[] }>> {
    return this.read(caller, minSeq, async (q) => {
      if (!(await this.rooms.findById(q, roomId))) throw new NatterError('room_not_found');
      return { items: await this.members.list(q, roomId) };
    });
  }

  auditLog(caller: Caller, f: AuditQuery): Promise<Snapshot<{ items: AuditEntry[]; hasMore: boolean }>> {
    return this.read(caller, f.minSeq, (q) => this.audit.page(q, f));
  }
}
