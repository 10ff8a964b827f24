import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AccountCommands } from './account.commands';
import { AdminCommands } from './admin.commands';
import { DmCommands } from './dm.commands';
import { Commands, natsCommandNames } from './catalog';
import { pathParams, type CommandDefinition } from './command-definition';
import { MessageCommands } from './message.commands';
import { ReadStateCommands } from './read-state.commands';
import { NotificationCommands } from './notification.commands';
import { RoomCommands } from './room.commands';

const keysOf = (s: z.ZodType | undefined) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []);

describe('command catalog', () => {
  it('merges the context files without one name defined twice, and no route twice', () => {
    const names = [AccountCommands, RoomCommands, MessageCommands, DmCommands, ReadStateCommands, AdminCommands, NotificationCommands].flatMap((f) => Object.keys(f));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(Commands)).toEqual(names);
    const routes = Object.values(Commands).map((c: CommandDefinition) => `${c.http.method} ${c.http.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it("every command's input is exactly its HTTP body plus its path parameters (what a NATS request carries)", () => {
    for (const [name, c] of Object.entries(Commands) as [string, CommandDefinition][]) {
      expect(keysOf(c.input).sort(), name).toEqual([...keysOf(c.http.body), ...pathParams(c.http.path)].sort());
    }
  });

  it('offers over NATS only commands with a caller', () => {
    // Every command with a caller but logout (which ends the very session the edge speaks for).
    expect(natsCommandNames).toEqual((Object.keys(Commands) as (keyof typeof Commands)[]).filter((n) => Commands[n].auth === 'bearer' && n !== 'Logout'));
    expect(natsCommandNames).toEqual(expect.arrayContaining(['BanMember', 'EditMessage', 'DeleteMessage', 'AddReaction', 'PinMessage', 'UpdateRoomSettings']));
    for (const n of natsCommandNames) expect(Commands[n].auth).toBe('bearer');
  });

  it('reads path parameters in order', () => {
    expect(pathParams('/api/rooms/:roomId/members/:userId')).toEqual(['roomId', 'userId']);
    expect(pathParams('/api/me')).toEqual([]);
  });
});
