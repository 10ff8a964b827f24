import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError } from '@natter/contracts';
import { SubscribePushCommand, UnsubscribePushCommand } from './push-subscriptions.command';
import { PushSubscriptions } from './push-subscriptions.repository';

@CommandHandler(SubscribePushCommand)
export class SubscribePushHandler implements ICommandHandler<SubscribePushCommand> {
  constructor(@Inject(PushSubscriptions) private readonly subs: PushSubscriptions) {}

  async execute({ caller, input }: SubscribePushCommand): Promise<{ subscriptionId: string }> {
    return { subscriptionId: await this.subs.upsert(caller.userId, input.endpoint, input.keys.p256dh, input.keys.auth) };
  }
}

@CommandHandler(UnsubscribePushCommand)
export class UnsubscribePushHandler implements ICommandHandler<UnsubscribePushCommand> {
  constructor(@Inject(PushSubscriptions) private readonly subs: PushSubscriptions) {}

  async execute({ caller, subscriptionId }: UnsubscribePushCommand): Promise<{ ok: true }> {
    if (!(await this.subs.remove(caller.userId, subscriptionId))) throw new NatterError('not_found');
    return { ok: true };
  }
}
