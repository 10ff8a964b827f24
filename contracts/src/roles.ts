import type { Role } from './events/room.events';

/**
 * Role order, in one place for every side (no zod here: the web client imports it through the browser
 * entry). A member acts on members of a lower rank only; reads and UI that need a role ask `roleAtLeast`.
 */
export const RoleRank: Readonly<Record<Role, number>> = { owner: 3, admin: 2, moderator: 1, member: 0 };
export const roleAtLeast = (role: Role | undefined, min: Role): boolean => role !== undefined && RoleRank[role] >= RoleRank[min];
/** Whether `mine` is above `theirs` (undefined: not a member). */
export const outranks = (mine: Role | undefined, theirs: Role): boolean => mine !== undefined && RoleRank[mine] > RoleRank[theirs];
