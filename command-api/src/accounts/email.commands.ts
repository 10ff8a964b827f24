import { Command } from '@nestjs/cqrs';
import type {
  ChangeEmailBody, ChangeEmailResult, CompletePasswordResetBody, EmailVerifiedResult, MailQueuedResult, PasswordResetResult,
} from '@natter/contracts';
import type { Caller } from '../shared/caller';

/**
 * The email-link use cases (issue 13). Small enough to share one file; each has its own handler.
 * `ip`: the client's address (HTTP), for the per-address limits.
 */
export class RequestPasswordResetCommand extends Command<MailQueuedResult> {
  constructor(readonly login: string, readonly ip: string | null) {
    super();
  }
}

export class CompletePasswordResetCommand extends Command<PasswordResetResult> {
  constructor(readonly input: Readonly<CompletePasswordResetBody>, readonly ip: string | null) {
    super();
  }
}

export class VerifyEmailCommand extends Command<EmailVerifiedResult> {
  constructor(readonly token: string, readonly ip: string | null) {
    super();
  }
}

export class ResendVerificationCommand extends Command<MailQueuedResult> {
  constructor(readonly caller: Caller) {
    super();
  }
}

export class ChangeEmailCommand extends Command<ChangeEmailResult> {
  constructor(readonly caller: Caller, readonly input: Readonly<ChangeEmailBody>) {
    super();
  }
}
