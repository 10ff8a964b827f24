import { NatterError, parseOrThrow, Subjects, type RpcReply } from '@natter/contracts';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Admission } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Metrics } from '../http/metrics';

/**
 * One NATS read endpoint in queue group `query-api`: parse and validate the request with `schema`, answer
 * `{ok:true,result}`, or `{ok:false,error}` for every failure (bad JSON and validation included), and count
 * it. Callers are trusted services (only services hold NATS credentials), so there is no token here. At
 * capacity (`admission`, shared with HTTP) the request is answered `overloaded` before it is parsed.
 */
export function serveRpc<S extends z.ZodType>(
  nc: NatsConnection,
  subject: string,
  schema: S,
  handle: (req: z.infer<S>) => Promise<unknown>,
  metrics: Metrics,
  admission: Admission,
  log: Logger,
): Subscription {
  const answer = (msg: Msg): Promise<RpcReply> =>
    admission.run(async () => {
      let input: unknown;
      try {
        input = msg.json();
      } catch {
        throw new NatterError('bad_json');
      }
      return { ok: true, result: await handle(parseOrThrow(schema, input)) };
    });
  return nc.subscribe(subject, {
    queue: Subjects.queryQueue,
    callback: (err, msg) => {
      if (err) {
        log.warn({ err, subject }, 'rpc subscription error');
        return;
      }
      void answer(msg)
        .catch((e: unknown): RpcReply => {
          const ne = e instanceof NatterError ? e : new NatterError('internal');
          if (!(e instanceof NatterError)) log.error({ err: e, subject }, 'rpc request failed');
          return { ok: false, error: { code: ne.code, message: ne.message, ...(ne.details === undefined ? {} : { details: ne.details }) } };
        })
        .then((reply) => {
          metrics.rpcRequest(subject, reply.ok ? 'ok' : reply.error.code);
          if (msg.reply) msg.respond(JSON.stringify(reply));
        });
    },
  });
}
