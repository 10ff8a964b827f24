/** Hand-written Prometheus exposition of the edge's counters and gauges. */
export class EdgeMetrics {
  connections = 0;
  framesIn = 0;
  framesOut = 0;
  eventsDelivered = 0;
  gapsRepaired = 0;
  gapEventsFetched = 0;
  backfills = 0;
  /** Cursors that started live with nothing to read (the client held everything dispatched). */
  backfillsSkipped = 0;
  membershipCacheHits = 0;
  commandsInFlight = 0;
  commandsShed = 0;
  membershipCacheMisses = 0;
  backfillEvents = 0;
  backfillRounds = 0;
  resumeBufferOverflows = 0;
  /** The most live events any cursor has held at once while backfilling (at most EDGE_RESUME_BUFFER_MAX). */
  resumeBufferPeak = 0;
  truncations = 0;
  epochResets = 0;
  resetsSent = 0;
  slowConsumerCloses = 0;
  rateLimited = 0;
  badFrames = 0;
  roomFeeds = 0;
  natsReconnects = 0;
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

  render(nodeId: string): string {
    const l = `{node="${nodeId}"}`;
    const rows: [string, 'counter' | 'gauge', string, number][] = [
      ['natter_edge_connections', 'gauge', 'Open WebSocket connections.', this.connections],
      ['natter_edge_room_feeds', 'gauge', 'Rooms with a live message subscription on this node.', this.roomFeeds],
      ['natter_edge_frames_in_total', 'counter', 'Frames received from clients.', this.framesIn],
      ['natter_edge_frames_out_total', 'counter', 'Frames sent to clients.', this.framesOut],
      ['natter_edge_events_delivered_total', 'counter', 'Event frames sent to clients.', this.eventsDelivered],
      ['natter_edge_gaps_repaired_total', 'counter', 'Live gaps detected via Nats-Last-Sequence and repaired.', this.gapsRepaired],
      ['natter_edge_gap_events_fetched_total', 'counter', 'Events fetched by gap repair.', this.gapEventsFetched],
      ['natter_edge_backfills_total', 'counter', 'Per-room backfills (resume, join, resync).', this.backfills],
      ['natter_edge_backfills_skipped_total', 'counter', 'Per-room starts with nothing to read from history (the client held everything the node had dispatched).', this.backfillsSkipped],
      ['natter_edge_membership_cache_hits_total', 'counter', 'Resumes answered from the membership cache (no query to query-api).', this.membershipCacheHits],
      ['natter_edge_membership_cache_misses_total', 'counter', 'Membership snapshots asked of query-api (natter.query.user-rooms).', this.membershipCacheMisses],
      ['natter_edge_backfill_events_total', 'counter', 'Events read by backfills.', this.backfillEvents],
      ['natter_edge_backfill_rounds_total', 'counter', 'Extra backfill rounds after a live buffer overflowed (EDGE_RESUME_BUFFER_MAX).', this.backfillRounds],
      ['natter_edge_resume_buffer_overflows_total', 'counter', 'Backfills whose live buffer passed EDGE_RESUME_BUFFER_MAX.', this.resumeBufferOverflows],
      ['natter_edge_resume_buffer_peak', 'gauge', 'Most live events one backfilling cursor has held at once.', this.resumeBufferPeak],
      ['natter_edge_truncations_total', 'counter', 'Backfills cut at EDGE_RESUME_MAX_EVENTS (truncated frames).', this.truncations],
      ['natter_edge_epoch_resets_total', 'counter', 'Times this node saw the event stream recreated.', this.epochResets],
      ['natter_edge_resets_total', 'counter', 'Reset frames sent (positions of another epoch or beyond the stream).', this.resetsSent],
      ['natter_edge_slow_consumer_closes_total', 'counter', 'Sockets closed for backpressure (4001).', this.slowConsumerCloses],
      ['natter_edge_rate_limited_total', 'counter', 'Client frames refused by the per-socket rate limit.', this.rateLimited],
      ['natter_edge_bad_frames_total', 'counter', 'Malformed or unknown client frames.', this.badFrames],
      ['natter_edge_nats_reconnects_total', 'counter', 'NATS reconnects (each triggers a resync).', this.natsReconnects],
      ['natter_edge_presence_follows', 'gauge', 'Users followed by local sockets (presence_subscribe).', this.presenceFollows],
      ['natter_edge_presence_frames_total', 'counter', 'Presence frames sent to clients.', this.presenceFrames],
      ['natter_edge_typing_published_total', 'counter', 'Typing signals published for local sockets.', this.typingPublished],
      ['natter_edge_typing_dropped_total', 'counter', 'Typing frames dropped by the per-room interval.', this.typingDropped],
      ['natter_edge_typing_delivered_total', 'counter', 'Typing frames sent to clients.', this.typingDelivered],
      ['natter_edge_topic_subscriptions', 'gauge', 'Sockets delivered a room through its uWS topic (one publish per event), summed over rooms.', this.topicSubscriptions],
      ['natter_edge_topic_joins_total', 'counter', 'Moves of a socket onto a room topic (caught up and keeping up).', this.topicJoins],
      ['natter_edge_topic_publishes_total', 'counter', 'Events published to a room topic (each reaches every subscriber).', this.topicPublishes],
      ['natter_edge_topic_slow_leaves_total', 'counter', 'Sockets moved off a room topic to the per-socket path because their buffer grew.', this.topicSlowLeaves],
      ['natter_edge_commands_in_flight', 'gauge', 'Commands forwarded to command-api and not answered yet.', this.commandsInFlight],
      ['natter_edge_commands_shed_total', 'counter', 'Commands answered overloaded at once (EDGE_MAX_COMMANDS_IN_FLIGHT reached).', this.commandsShed],
      ['natter_edge_revoked_upgrades_total', 'counter', 'Upgrades refused because the session or user is revoked.', this.revokedUpgrades],
    ];
    return rows.map(([n, t, h, v]) => `# HELP ${n} ${h}\n# TYPE ${n} ${t}\n${n}${l} ${v}\n`).join('');
  }
}
