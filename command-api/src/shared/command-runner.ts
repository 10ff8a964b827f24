import { Inject } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import { Metrics } from './metrics';

/** Runs a command through the CQRS bus and counts it per transport; both HTTP and NATS go through here. */
export class CommandRunner {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus, @Inject(Metrics) private readonly metrics: Metrics) {}

  async run<R>(command: Command<R>, transport: 'http' | 'nats'): Promise<R> {
    const result = await this.bus.execute(command);
    this.metrics.commandHandled(command.constructor.name.replace(/Command$/, ''), transport);
    return result;
  }
}
