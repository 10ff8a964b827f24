import { Inject } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import { Metrics, type Transport } from './metrics';

/** Runs a command through the CQRS bus, counting and timing it per transport; both HTTP and NATS go through here. */
export class CommandRunner {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus, @Inject(Metrics) private readonly metrics: Metrics) {}

  async run<R>(command: Command<R>, transport: Transport): Promise<R> {
    const t0 = performance.now();
    let ok = false;
    try {
      const result = await this.bus.execute(command);
      ok = true;
      return result;
    } finally {
      this.metrics.commandHandled(command.constructor.name.replace(/Command$/, ''), transport, (performance.now() - t0) / 1000, ok);
    }
  }
}
