import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { Buckets, Limits, NatterError } from '@natter/contracts';
import { Admission, connectNats, createMetricsRegistry, instrumentNats, loadVerifyKeyObject, NatsRequester, openPresence, serveStatus, watchPresence, watchRevocations } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import uWS from 'uWebSockets.js';
import type { EdgeConfig } from './config';
import { AdmittedCommands } from './admitted-commands';
import { Fanout } from './fanout';
import { ExpiryWheel } from './expiry';
import { EdgeMetrics } from './metrics';
import { NatsCommandForwarder } from './nats/commands';
import { NatsLiveEvents } from './nats/live-events';
import { JetStreamHistory } from './nats/history';
import { NatsDeletedMessages } from './nats/deleted-messages';
import { NatsMembershipSource } from './nats/membership';
import { KvPresenceStore, NatsPresenceAuthorizer } from './nats/presence';
import { MembershipCache } from './membership-cache';
import { NatsSignals } from './nats/signals';
import type { CommandForwarder, DeletedMessages, LiveEvents, History, MembershipSource, PresenceAuthorizer, PresenceStore, Signals } from './ports';
import { PresenceHub, PresenceReporter } from './presence';
import { Session, type SessionDeps, type SocketLike } from './session';
import { VerifiedTokens } from './verified-tokens';

export interface EdgeHandle {
  port: number;
  /** Send `reconnect` + close 4000 to every socket and stop accepting new ones. */
  drain(): void;
  close(): Promise<void>;
  metrics: EdgeMetrics;
}

/** Replace or decorate the NATS-backed dependencies (tests use it to drop live messages). */
export interface EdgeOverrides {
  liveEvents?: (real: LiveEvents) => LiveEvents;
  history?: (real: History) => History;
  membership?: (real: MembershipSource) => MembershipSource;
  deleted?: (real: DeletedMessages) => DeletedMessages;
  commands?: (real: CommandForwarder) => CommandForwarder;
  presenceStore?: (real: PresenceStore) => PresenceStore;
  presenceAuthorizer?: (real: PresenceAuthorizer) => PresenceAuthorizer;
  signals?: (real: Signals) => Signals;
}

interface SocketData {
  userId: string;
  sessionId: string;
  expiresAtMs?: number;
  session?: Session;
}

/**
 * Every socket on a room topic is also subscribed to this one, which nothing is published to. uWS frees a socket's
 * subscriber state, and with it the frames published to it but not yet written, when it unsubscribes from its
 * LAST topic; with the anchor a room topic is never the last one, so the frames a socket was published before it
 * left a topic are still written, ahead of whatever it is sent next (live-topic.ts relies on it).
 */
const ANCHOR_TOPIC = 'socket';

/** A uWS socket as a SocketLike: methods on the prototype, one small object per connection (no closures). */
class UwsSocket implements SocketLike {
  private anchored = false;
  constructor(private readonly ws: uWS.WebSocket<SocketData>) {}
  send(text: string): void {
    this.ws.cork(() => this.ws.send(text, false));
  }
  bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }
  end(code: number, reason: string): void {
    this.ws.end(code, reason);
  }
  subscribe(topic: string): void {
    if (!this.anchored) this.anchored = this.ws.subscribe(ANCHOR_TOPIC);
    this.ws.subscribe(topic);
  }
  unsubscribe(topic: string): void {
    this.ws.unsubscribe(topic);
  }
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export async function startEdge(config: EdgeConfig, log: Logger, overrides: EdgeOverrides = {}): Promise<EdgeHandle> {
  const tokens = new VerifiedTokens(loadVerifyKeyObject({ NATTER_JWT_PUBLIC_KEY: config.jwtPublicKeyPem }));
  const nc: NatsConnection = await connectNats(config.natsUrl, config.nodeId, log.child({ component: 'nats' }));
  const metrics = new EdgeMetrics();
  const registry = createMetricsRegistry({ node: config.nodeId });
  metrics.expose(registry);
  instrumentNats(nc, registry);
  const source = (overrides.liveEvents ?? ((s) => s))(new NatsLiveEvents(nc, log.child({ component: 'live-events' })));
  // Request/reply through infra's NatsRequester (one inbox each, no per-request Error): closed after the drain.
  const realHistory = await JetStreamHistory.create(nc);
  const realMembership = new NatsMembershipSource(nc);
  const realDeleted = new NatsDeletedMessages(nc);
  const realCommands = new NatsCommandForwarder(nc, config.commandTimeoutMs, metrics.commandSeconds);
  const realAuthorizer = new NatsPresenceAuthorizer(nc, config.commandTimeoutMs);
  const history = (overrides.history ?? ((h) => h))(realHistory);
  // Snapshots from query-api once per user, then kept current from the membership events the fan-out dispatches.
  const membership: MembershipCache = new MembershipCache((overrides.membership ?? ((m) => m))(realMembership), config.membershipCacheUsers, metrics, (): number => fanout.highWater);
  const deleted = (overrides.deleted ?? ((d) => d))(realDeleted);
  // Shed early: a bounded number of forwarded commands per node (admitted-commands.ts).
  const commands = new AdmittedCommands((overrides.commands ?? ((c) => c))(realCommands), new Admission(config.maxCommandsInFlight, 500), metrics);
  const signals = (overrides.signals ?? ((s) => s))(new NatsSignals(nc, log.child({ component: 'signals' })));
  const app = uWS.App();
  // Topic members leave their topic past backpressureBytes / 16 and are checked every backpressureBytes / 8 (at
  // least 64 KiB) published, so their buffers stay far below uWS's maxBackpressure (4 x backpressureBytes), where
  // uWS would drop frames silently (live-topic.ts, TopicBudget).
  const topicSlowBytes = Math.floor(config.backpressureBytes / 16);
  const fanout: Fanout = new Fanout({
    source, history, metrics, signals, log: log.child({ component: 'fanout' }), epochCheckMs: config.epochCheckMs,
    topics: { publish: (topic, text) => void app.publish(topic, text, false) },
    topicSlowBytes,
    topicCheckBytes: Math.max(64 * 1024, Math.floor(config.backpressureBytes / 8)),
    membership,
    deleted,
  });
  await fanout.start();

  // Revoked sessions/users (KV natter_revoked): a token of a logged-out session is refused at upgrade, and
  // the open sockets it concerns are closed when the entry arrives. The SessionRevoked / UserDeactivated
  // events close them too, but command-api appends those after the revocation, and an append that fails
  // there cannot be retried by the client (its token is refused by then). Loaded before the first upgrade.
  const revocations = watchRevocations(nc, log.child({ component: 'revocations' }), (target) => fanout.closeRevoked(target));
  try {
    await revocations.ready;
  } catch (err) {
    await revocations.stop();
    fanout.stop();
    await nc.close().catch(() => {});
    throw err;
  }

  // Presence: this node's connections go into KV natter_presence; a watch of the whole bucket tells local
  // sockets about the users they follow (contracts/src/presence.ts: format and staleness rule).
  const presenceLog = log.child({ component: 'presence' });
  // The buckets must exist (provisioning): fail at start, not on the first connect.
  await openPresence(nc);
  await new Kvm(nc).open(Buckets.lastSeen);
  const realPresenceStore = new KvPresenceStore(new NatsRequester(nc));
  const presenceStore = (overrides.presenceStore ?? ((s) => s))(realPresenceStore);
  const reporter = new PresenceReporter(presenceStore, config.nodeId, config.presenceHeartbeatMs, presenceLog);
  const presenceWatch = watchPresence(nc, presenceLog, { pruneEveryMs: config.presenceHeartbeatMs });
  await presenceWatch.ready;
  const authorizer = (overrides.presenceAuthorizer ?? ((a) => a))(realAuthorizer);
  const presence = new PresenceHub(presenceWatch.directory, authorizer, metrics, presenceLog);

  const expiries = new ExpiryWheel<Session>();
  const cursors = { feed: fanout, deleted, metrics, maxEvents: config.resumeMaxEvents, bufferMax: config.resumeBufferMax, topicRejoinBytes: topicSlowBytes / 2 };
  const deps: SessionDeps = { config, fanout, membership, commands, metrics, presence, reporter, signals, expiries, cursors, log: log.child({ component: 'session' }) };
  const sessions = new Set<Session>();
  let draining = false;

  const json = (res: uWS.HttpResponse, status: number, body: unknown): void => {
    res.cork(() => {
      res.writeStatus(`${status} ${STATUS_TEXT[status] ?? 'OK'}`).writeHeader('content-type', 'application/json').end(JSON.stringify(body));
    });
  };

  app
    .ws<SocketData>('/ws', {
      // uWS drops the TCP connection (1006) past maxPayloadLength; frames between Limits.wsFrameBytes and this
      // hard cut get a proper 1009 close from the message handler.
      maxPayloadLength: Limits.wsFrameBytes * 4,
      // We close at config.backpressureBytes ourselves (4001); uWS's own limit is only a safety net above it.
      maxBackpressure: config.backpressureBytes * 4,
      closeOnBackpressureLimit: 0,
      idleTimeout: config.idleTimeoutSeconds,
      sendPingsAutomatically: true,
      // Accepted or refused inside this handler, synchronously: a token verified by a promise would complete the
      // upgrade later, and uWS.js's async upgrade can close the new socket (see verifyAccessTokenSync).
      upgrade: (res, req, context) => {
        if (draining) return json(res, 503, new NatterError('unavailable', 'node draining').toBody());
        // uWS passes a GET without Sec-WebSocket-Key on to `.get('/ws')`; one with a key but no `Upgrade: websocket`
        // comes here: refuse it rather than upgrade a request that did not ask for it.
        if (req.getHeader('upgrade').toLowerCase() !== 'websocket' || !req.getHeader('sec-websocket-key')) {
          return json(res, 400, new NatterError('bad_request', 'expected a WebSocket upgrade (Upgrade: websocket, Sec-WebSocket-Key)').toBody());
        }
        let claims: ReturnType<VerifiedTokens['verify']>;
        try {
          claims = tokens.verify(new URLSearchParams(req.getQuery() ?? '').get('access_token'));
        } catch (err) {
          return json(res, 401, (err instanceof NatterError ? err : new NatterError('unauthenticated')).toBody());
        }
        try {
          revocations.assertActive(claims);
        } catch (err) {
          metrics.revokedUpgrades++;
          const e = err as NatterError;
          return json(res, e.status, e.toBody());
        }
        res.upgrade<SocketData>(
          { userId: claims.sub, sessionId: claims.sid, expiresAtMs: claims.expiresAtMs },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
      open: (ws) => {
        const data = ws.getUserData();
        const s = new Session(deps, new UwsSocket(ws), data.userId, data.sessionId, randomUUID(), data.expiresAtMs);
        data.session = s;
        sessions.add(s);
        s.opened();
      },
      message: (ws, message, isBinary) => {
        if (message.byteLength > Limits.wsFrameBytes) {
          metrics.framesIn++;
          metrics.badFrames++;
          const s = ws.getUserData().session;
          if (s) s.closeWith(1009, 'frame too large');
          else ws.end(1009, 'frame too large');
          return;
        }
        try {
          ws.getUserData().session?.onFrame(message, isBinary);
        } catch (err) {
          log.error({ err }, 'frame handling failed');
        }
      },
      close: (ws, code, message) => {
        const s = ws.getUserData().session;
        if (!s) return;
        // Sessions the edge closed (closeWith) are closed already; this is the peer or the network.
        if (s.isOpen() && log.isLevelEnabled('debug')) log.debug({ connId: s.connId, userId: s.userId, code, reason: Buffer.from(message).toString('utf8') }, 'socket closed by the peer or the network');
        sessions.delete(s);
        s.closed();
      },
    })
    // A GET of /ws without a WebSocket handshake is passed on by uWS's ws route (it yields): say what is wrong.
    .get('/ws', (res) => json(res, 400, new NatterError('bad_request', 'expected a WebSocket upgrade (Upgrade: websocket, Sec-WebSocket-Key)').toBody()))
    .get('/healthz', (res) => json(res, 200, { status: 'ok', node: config.nodeId }))
    .get('/readyz', (res) => {
      const ok = source.isConnected() && !draining;
      json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', nats: source.isConnected(), draining });
    })
    .get('/metrics', (res) => {
      let aborted = false;
      res.onAborted(() => (aborted = true));
      void registry.metrics().then(
        (text) => !aborted && res.cork(() => res.writeHeader('content-type', registry.contentType).end(text)),
        (err) => !aborted && json(res, 500, new NatterError('internal', String(err)).toBody()),
      );
    })
    .any('/*', (res) => json(res, 404, new NatterError('not_found').toBody()));

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
    app.listen(config.host, config.port, (ls) => (ls ? resolve(ls) : reject(new Error(`edge could not listen on ${config.host}:${config.port}`)))),
  );
  const port = uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket);
  log.info({ port, node: config.nodeId }, 'edge listening');
  // The admin panel's system status: this node's sockets (natter.status, every instance answers).
  const statusSub = serveStatus(nc, 'realtime-edge', config.nodeId, () => ({
    ok: source.isConnected() && !draining,
    details: { connections: metrics.connections, roomFeeds: metrics.roomFeeds, draining },
  }), log.child({ component: 'status' }));

  let closed = false;
  const drain = () => {
    draining = true;
    for (const s of [...sessions]) s.drain();
  };
  return {
    port,
    metrics,
    drain,
    close: async () => {
      if (closed) return;
      closed = true;
      drain();
      statusSub.unsubscribe();
      uWS.us_listen_socket_close(listenSocket);
      fanout.stop();
      // The sockets are closed: wait for their presence deletes before the connection goes.
      await reporter.stop();
      presence.stop();
      expiries.stop();
      await presenceWatch.stop();
      await revocations.stop();
      await nc.drain().catch(() => nc.close());
      for (const r of [realHistory, realMembership, realDeleted, realCommands, realAuthorizer, realPresenceStore]) r.close();
    },
  };
}
