import { Inject } from '@nestjs/common';
import { Admission } from '@natter/infra/runtime';
import { Commands, parseOrThrow, pathParams, type CommandDefinition, type CommandName } from '@natter/contracts';
import { BearerAuth } from './auth.guard';
import { COMMAND_FACTORIES, factoryOf, type CommandFactories } from './command-factories';
import { CommandRunner } from './command-runner';
import type { FastifyServer } from './http-types';
import { noBody, pathParamsParser } from './params';

/**
 * Every command's HTTP route, from contracts' `Commands`: method and path as declared, the caller from the
 * bearer token (routes with `auth: 'bearer'`), path parameters validated by the input's schema (ids, message seqs), the body against the
 * command's body schema (or none), then the command through the CQRS bus; the answer is the handler's
 * result with the declared status. Registered straight on Fastify (before Nest starts listening) rather than
 * as Nest controllers, so that a table drives them; errors still reach the one HttpErrorFilter, which Nest
 * installs as Fastify's error handler.
 */
export class CommandRoutes {
  constructor(
    @Inject(CommandRunner) private readonly commands: CommandRunner,
    @Inject(COMMAND_FACTORIES) private readonly factories: CommandFactories,
    @Inject(BearerAuth) private readonly auth: BearerAuth,
    @Inject(Admission) private readonly admission: Admission,
  ) {}

  register(fastify: FastifyServer): void {
    for (const name of Object.keys(Commands) as CommandName[]) this.route(fastify, name, Commands[name]);
  }

  private route(fastify: FastifyServer, name: CommandName, def: CommandDefinition): void {
    const params = pathParams(def.http.path);
    const parseParams = pathParamsParser(def.input, params);
    const build = factoryOf(this.factories, name);
    const { body, status, duplicateStatus } = def.http;
    fastify.route({
      method: def.http.method.toUpperCase() as 'POST' | 'PATCH' | 'DELETE',
      url: def.http.path,
      // At capacity: 503 `overloaded` with Retry-After before any work (infra Admission).
      handler: (req, reply) => this.admission.run(async () => {
        const caller = def.auth === 'bearer' ? await this.auth.caller(req.headers.authorization) : null;
        const ids = params.length ? parseParams(req.params) : {};
        let input: object;
        if (body) input = { ...(parseOrThrow(body, req.body) as object), ...ids };
        else {
          noBody(req.body);
          input = ids;
        }
        const result = await this.commands.run(build(input, { caller, ip: req.ip }), 'http');
        const duplicate = duplicateStatus !== undefined && (result as { duplicate?: unknown }).duplicate === true;
        void reply.status(duplicate ? duplicateStatus : status);
        return result;
      }),
    });
  }
}
