import type { Command } from '@nestjs/cqrs';
import type { CommandInput, CommandName, CommandResult, Commands } from '@natter/contracts';
import type { Caller } from './caller';

/** What a transport knows about a command besides its input. */
export interface CommandContext<A extends 'bearer' | 'none' = 'bearer' | 'none'> {
  /** The caller named by the access token (HTTP) or the edge's `auth` (NATS); null on public routes. */
  readonly caller: A extends 'bearer' ? Caller : null;
  /** The client's address over HTTP (from the gateway's X-Forwarded-For); null over NATS. */
  readonly ip: string | null;
}

/**
 * Builds the command class its handler is registered for from a validated input. Each feature folder
 * exports the factories of its commands (`rooms/room.commands.ts`, ...); the app module merges them into one
 * table that must cover every entry of contracts' `Commands`, and the HTTP routes and NATS endpoints are
 * registered from that.
 */
export type CommandFactory<N extends CommandName> = (input: CommandInput<N>, ctx: CommandContext<(typeof Commands)[N]['auth']>) => Command<CommandResult<N>>;
export type CommandFactories<N extends CommandName = CommandName> = { readonly [K in N]: CommandFactory<K> };

export const COMMAND_FACTORIES = Symbol('CommandFactories');

/** The factory of `name`, typed loosely for the transports, which hold only validated `unknown` input. */
export function factoryOf(factories: CommandFactories, name: CommandName): (input: unknown, ctx: CommandContext) => Command<unknown> {
  return factories[name] as (input: unknown, ctx: CommandContext) => Command<unknown>;
}
