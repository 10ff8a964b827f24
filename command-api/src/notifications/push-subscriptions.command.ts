import { Command } from '@nestjs/cqrs';
import type { PushSubscriptionBody } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class SubscribePushCommand extends Command<{ subscriptionId: string }> {
  constructor(readonly caller: Caller, readonly input: Readonly<PushSubscriptionBody>) {
    super();
  }
}

export class UnsubscribePushCommand extends Command<{ ok: true }> {
  constructor(readonly caller: Caller, readonly subscriptionId: string) {
    super();
  }
}
