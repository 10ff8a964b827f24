import { JetStreamApiError } from '@nats-io/jetstream';
import { ClosedConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { isNatsUnavailable, NatsNoResponders, NatsRequestTimeout } from './nats-requests';

/** Which failures mean "NATS could not serve now, retry" (unavailable) rather than a bug (internal). */
describe('isNatsUnavailable', () => {
  it('recognises nats.js and our own timeouts, no responders, closed connections and JetStream 503s', () => {
    for (const err of [
      new TimeoutError(),
      new NoRespondersError('$JS.API.STREAM.INFO.X'),
      new RequestError('request failed', { cause: new NoRespondersError('x') }),
      new ClosedConnectionError(),
      new NatsRequestTimeout('ev.room.r.msg', 5000),
      new NatsNoResponders('ev.room.r.msg'),
      new JetStreamApiError({ code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' }),
      new Error('KV bucket natter_revoked is not available', { cause: new TimeoutError() }),
    ]) {
      expect(isNatsUnavailable(err), `${err.name}: ${err.message}`).toBe(true);
    }
  });

  it('leaves everything else to be an internal error', () => {
    for (const err of [
      new Error('boom'),
      new JetStreamApiError({ code: 400, err_code: 10071, description: 'wrong last sequence: 3' }),
      new JetStreamApiError({ code: 500, err_code: 10049, description: 'stream configuration is invalid' }),
      'a string',
      undefined,
    ]) {
      expect(isNatsUnavailable(err)).toBe(false);
    }
  });
});
