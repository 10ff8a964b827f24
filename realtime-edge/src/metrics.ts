import { exposeValues, Histogram, latencyBuckets, type Registry } from '@natter/infra/runtime';

/**
 * The edge's counters and gauges. Hot paths (every frame, every delivery) bump plain number fields, which cost
 * nothing; prom-client reads them when /metrics is scraped (`expose`). The registry labels every series with
 * the node id (`node`), so a dashboard shows sockets and deliveries per edge.
 */
export class EdgeMetrics {
  connections = 0;
  framesIn = 0;
  framesOut = 0;
  eventsDelivered = 0;
  gapsRepaired = 0;
  gapEventsFetched = 0;
  gapRedactions = 0;
  backfills = 0;
  /** Per-room starts with nothing to read from history (the client held everything the node had dispatched). */
  backfillsSkipped = 0;
  membershipCacheHits = 0;
  membershipCacheMisses = 0;
  commandsInFlight = 0;
  commandsShed = 0;
  backfillEvents = 0;
  backfillRounds = 0;
  resumeBufferOverflows = 0;
  /** The most live events any cursor has held at once while backfilling (at most EDGE_RESUME_BUFFER_MAX). */
  resumeBufferPeak = 0;
  truncations = 0;
  /** Per-user cursors (user_event delivery): backfills that read history, starts that did not, events sent, backfills cut at the cap. */
  userBackfills = 0;
  userBackfillsSkipped = 0;
  userEventsDelivered = 0;
  userTruncations = 0;
  /** Backfilled events whose message was deleted, sent without their text (redaction.ts). */
  backfillRedactions = 0;
  epochResets = 0;
  resetsSent = 0;
  slowConsumerCloses = 0;
  rateLimited = 0;
  badFrames = 0;
  roomFeeds = 0;
  revokedUpgrades = 0;
  presenceFollows = 0;
  presenceFrames = 0;
  typingPublished = 0;
  typingDropped = 0;
  typingDelivered = 0;
  /** Sockets subscribed to a room topic (live-topic.ts), summed over rooms. */
  topicSubscriptions = 0;
  topicJoins = 0;
  topicPublishes = 0;
  topicSlowLeaves = 0;
  /** Round trip of a command forwarded to command-api over NATS, by outcome (`ok` or the error code). */
  readonly commandSeconds = new Histogram({
    name: 'natter_edge_command_duration_seconds',
    help: 'Commands forwarded to command-api: time to the answer, by command and outcome.',
    labelNames: ['command', 'outcome'],
    buckets: latencyBuckets,
    registers: [],
  });

  expose(registry: Registry): void {
    registry.registerMetric(this.commandSeconds);
    exposeValues(registry, [
      { name: 'natter_edge_connections', type: 'gauge', help: 'Open WebSocket connections.', value: () => this.connections },
      { name: 'natter_edge_room_feeds', type: 'gauge', help: 'Rooms with a live message subscription on this node.', value: () => this.roomFeeds },
      { name: 'natter_edge_frames_in_total', type: 'counter', help: 'Frames received from clients.', value: () => this.framesIn },
      { name: 'natter_edge_frames_out_total', type: 'counter', help: 'Frames sent to clients.', value: () => this.framesOut },
      { name: 'natter_edge_events_delivered_total', type: 'counter', help: 'Event frames sent to clients.', value: () => this.eventsDelivered },
      { name: 'natter_edge_gaps_repaired_total', type: 'counter', help: 'Live gaps detected via Nats-Last-Sequence and repaired.', value: () => this.gapsRepaired },
      { name: 'natter_edge_gap_events_fetched_total', type: 'counter', help: 'Events fetched by gap repair.', value: () => this.gapEventsFetched },
      { name: 'natter_edge_gap_redactions_total', type: 'counter', help: 'Events of deleted messages sent without their text by a gap repair or the re-read after a NATS reconnect.', value: () => this.gapRedactions },
      { name: 'natter_edge_backfills_total', type: 'counter', help: 'Per-room backfills (resume, join, resync).', value: () => this.backfills },
      { name: 'natter_edge_backfills_skipped_total', type: 'counter', help: 'Per-room starts with nothing to read from history (the client held everything the node had dispatched).', value: () => this.backfillsSkipped },
      { name: 'natter_edge_membership_cache_hits_total', type: 'counter', help: 'Resumes answered from the membership cache (no query to query-api).', value: () => this.membershipCacheHits },
      { name: 'natter_edge_membership_cache_misses_total', type: 'counter', help: 'Membership snapshots asked of query-api (natter.query.user-rooms).', value: () => this.membershipCacheMisses },
      { name: 'natter_edge_backfill_events_total', type: 'counter', help: 'Events read by backfills.', value: () => this.backfillEvents },
      { name: 'natter_edge_backfill_rounds_total', type: 'counter', help: 'Extra backfill rounds after a live buffer overflowed (EDGE_RESUME_BUFFER_MAX).', value: () => this.backfillRounds },
      { name: 'natter_edge_resume_buffer_overflows_total', type: 'counter', help: 'Backfills whose live buffer passed EDGE_RESUME_BUFFER_MAX.', value: () => this.resumeBufferOverflows },
      { name: 'natter_edge_resume_buffer_peak', type: 'gauge', help: 'Most live events one backfilling cursor has held at once.', value: () => this.resumeBufferPeak },
      { name: 'natter_edge_truncations_total', type: 'counter', help: 'Backfills cut at EDGE_RESUME_MAX_EVENTS (truncated frames).', value: () => this.truncations },
      { name: 'natter_edge_user_backfills_total', type: 'counter', help: 'Per-user backfills of ev.user.<id> that read history (resume with user).', value: () => this.userBackfills },
      { name: 'natter_edge_user_backfills_skipped_total', type: 'counter', help: 'Per-user starts with nothing to read from history (the client held everything the node had dispatched, or resumed from now).', value: () => this.userBackfillsSkipped },
      { name: 'natter_edge_user_events_delivered_total', type: 'counter', help: 'user_event frames sent to clients.', value: () => this.userEventsDelivered },
      { name: 'natter_edge_user_truncations_total', type: 'counter', help: 'Per-user backfills cut at EDGE_RESUME_MAX_EVENTS (user_truncated frames).', value: () => this.userTruncations },
      { name: 'natter_edge_backfill_redactions_total', type: 'counter', help: 'Backfilled events of deleted messages sent without their text.', value: () => this.backfillRedactions },
      { name: 'natter_edge_epoch_resets_total', type: 'counter', help: 'Times this node saw the event stream recreated.', value: () => this.epochResets },
      { name: 'natter_edge_resets_total', type: 'counter', help: 'Reset frames sent (positions of another epoch or beyond the stream).', value: () => this.resetsSent },
      { name: 'natter_edge_slow_consumer_closes_total', type: 'counter', help: 'Sockets closed for backpressure (4001).', value: () => this.slowConsumerCloses },
      { name: 'natter_edge_rate_limited_total', type: 'counter', help: 'Client frames refused by the per-socket rate limit.', value: () => this.rateLimited },
      { name: 'natter_edge_bad_frames_total', type: 'counter', help: 'Malformed or unknown client frames.', value: () => this.badFrames },
      { name: 'natter_edge_presence_follows', type: 'gauge', help: 'Users followed by local sockets (presence_subscribe).', value: () => this.presenceFollows },
      { name: 'natter_edge_presence_frames_total', type: 'counter', help: 'Presence frames sent to clients.', value: () => this.presenceFrames },
      { name: 'natter_edge_typing_published_total', type: 'counter', help: 'Typing signals published for local sockets.', value: () => this.typingPublished },
      { name: 'natter_edge_typing_dropped_total', type: 'counter', help: 'Typing frames dropped by the per-room interval.', value: () => this.typingDropped },
      { name: 'natter_edge_typing_delivered_total', type: 'counter', help: 'Typing frames sent to clients.', value: () => this.typingDelivered },
      { name: 'natter_edge_topic_subscriptions', type: 'gauge', help: 'Sockets delivered a room through its uWS topic (one publish per event), summed over rooms.', value: () => this.topicSubscriptions },
      { name: 'natter_edge_topic_joins_total', type: 'counter', help: 'Moves of a socket onto a room topic (caught up and keeping up).', value: () => this.topicJoins },
      { name: 'natter_edge_topic_publishes_total', type: 'counter', help: 'Events published to a room topic (each reaches every subscriber).', value: () => this.topicPublishes },
      { name: 'natter_edge_topic_slow_leaves_total', type: 'counter', help: 'Sockets moved off a room topic to the per-socket path because their buffer grew.', value: () => this.topicSlowLeaves },
      { name: 'natter_edge_commands_in_flight', type: 'gauge', help: 'Commands forwarded to command-api and not answered yet.', value: () => this.commandsInFlight },
      { name: 'natter_edge_commands_shed_total', type: 'counter', help: 'Commands answered overloaded at once (EDGE_MAX_COMMANDS_IN_FLIGHT reached).', value: () => this.commandsShed },
      { name: 'natter_edge_revoked_upgrades_total', type: 'counter', help: 'Upgrades refused because the session or user is revoked.', value: () => this.revokedUpgrades },
    ]);
  }
}
