import { Body, Controller, HttpCode, Inject, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { LoginBody, parseOrThrow, RefreshBody, RegisterBody, UpdateProfileBody, type AuthTokens } from '@natter/contracts';
import type { HttpRequest } from '../shared/http-types';
import { BearerAuthGuard, CurrentCaller } from '../shared/auth.guard';
import type { Caller } from '../shared/caller';
import { CommandRunner } from '../shared/command-runner';
import { noBody } from '../shared/params';
import { LOGIN_LIMITER, type RateLimiter } from '../shared/rate-limiter';
import { LoginCommand } from './login.command';
import { LogoutCommand, type LogoutResult } from './logout.command';
import { RefreshCommand } from './refresh.command';
import { RegisterCommand } from './register.command';
import { UpdateProfileCommand, type UpdateProfileResult } from './update-profile.command';

@Controller('api')
export class AccountsController {
  constructor(
    @Inject(CommandRunner) private readonly commands: CommandRunner,
    @Inject(LOGIN_LIMITER) private readonly loginLimiter: RateLimiter,
  ) {}

  @Post('auth/register')
  @HttpCode(201)
  register(@Body() body: unknown): Promise<AuthTokens> {
    return this.commands.run(new RegisterCommand(parseOrThrow(RegisterBody, body)), 'http');
  }

  /** Rate limited per login+IP (10 a minute), before the password is even looked at. */
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: unknown, @Req() req: HttpRequest): Promise<AuthTokens> {
    const input = parseOrThrow(LoginBody, body);
    this.loginLimiter.take(`${input.login.toLowerCase()}|${req.ip}`);
    return this.commands.run(new LoginCommand(input), 'http');
  }

  @Post('auth/refresh')
  @HttpCode(200)
  refresh(@Body() body: unknown): Promise<AuthTokens> {
    return this.commands.run(new RefreshCommand(parseOrThrow(RefreshBody, body).refreshToken), 'http');
  }

  @Post('auth/logout')
  @HttpCode(200)
  @UseGuards(BearerAuthGuard)
  logout(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<LogoutResult> {
    noBody(body);
    return this.commands.run(new LogoutCommand(caller), 'http');
  }

  @Patch('me')
  @HttpCode(200)
  @UseGuards(BearerAuthGuard)
  updateProfile(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<UpdateProfileResult> {
    return this.commands.run(new UpdateProfileCommand(caller, parseOrThrow(UpdateProfileBody, body)), 'http');
  }
}
