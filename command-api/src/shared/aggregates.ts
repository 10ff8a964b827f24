import type { NewEvent, StoredEvent } from '@natter/contracts';
import { NatterError } from '@natter/contracts';
import { AppendConflict, type EventStore } from './event-store';
import type { Metrics } from './metrics';

/** How one kind of aggregate folds its events. `evolve` must not mutate: cached states are shared. */
export interface AggregateDef<S> {
  readonly name: string;
  initial(): S;
  evolve(state: S, event: StoredEvent): S;
}

/** An aggregate's state as of `version`, the stream sequence of the last event on its subject (0: none). */
export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
}

/** What a decider answers: events to append (maybe none) and how to build the reply once they are stored. */
export interface Decision<S, R> {
  readonly events: readonly NewEvent[];
  reply(after: Loaded<S>): R;
}

export const MAX_APPEND_ATTEMPTS = 5;
const CACHE_MAX = 10_000;

/**
 * Loads aggregate state per subject. State is cached in memory with its version and refreshed on every load
 * by reading what came after it (direct get `next_by_subj`), so a load is one round trip when nothing changed
 * and the cache is never trusted for a decision without that refresh. Several command-api instances can run:
 * the cache may be behind, never ahead, and a stale decision is caught by the append's expectation.
 */
export class AggregateRepository {
  private readonly cache = new Map<string, Loaded<unknown>>();
  /** Tail of the queue of commands per subject in this process (see execute). */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The refresh in flight per subject, and the one queued to start right after it (see load). */
  private readonly flights = new Map<string, { done: Promise<Loaded<unknown>>; queued?: Promise<Loaded<unknown>> }>();

  constructor(private readonly store: EventStore, private readonly metrics: Metrics) {}

  /**
   * The state as of a refresh that started after this call: at least as fresh as the stream was when it was
   * made. Concurrent loads of one subject share refreshes (a hot room's sends would otherwise each pay a
   * round trip): a refresh already in flight started before this call, so it is not joined; instead every
   * caller arriving during it shares the single refresh that starts when it ends.
   */
  load<S>(def: AggregateDef<S>, subject: string): Promise<Loaded<S>> {
    const flight = this.flights.get(subject);
    if (!flight) return this.startRefresh(def, subject);
    const after = () => this.startRefresh(def, subject);
    return (flight.queued ??= flight.done.then(after, after)) as Promise<Loaded<S>>;
  }

  private startRefresh<S>(def: AggregateDef<S>, subject: string): Promise<Loaded<S>> {
    const done = this.refresh(def, subject);
    const flight = { done: done as Promise<Loaded<unknown>> };
    this.flights.set(subject, flight);
    const end = () => {
      if (this.flights.get(subject) === flight) this.flights.delete(subject);
    };
    done.then(end, end);
    return done;
  }

  private async refresh<S>(def: AggregateDef<S>, subject: string): Promise<Loaded<S>> {
    const cached = this.cache.get(subject) as Loaded<S> | undefined;
    let state = cached?.state ?? def.initial();
    let version = cached?.version ?? 0;
    for await (const e of this.store.readAfter(subject, version)) {
      state = def.evolve(state, e);
      version = e.seq;
    }
    return this.remember(subject, { state, version });
  }

  /**
   * Load, decide, append; on a lost race reload and decide again, at most MAX_APPEND_ATTEMPTS times, then
   * 409 conflict. Several events go onto the subject one after another, each expecting the previous one.
   * Commands on one subject run one at a time within this process: racing ourselves would only burn retries
   * (a busy room's joins would end in 409s), so only other instances are left to race with.
   */
  execute<S, R>(def: AggregateDef<S>, subject: string, actor: string | null, decide: (current: Loaded<S>) => Decision<S, R>): Promise<R> {
    const prev = this.queues.get(subject) ?? Promise.resolve();
    const run = prev.then(() => this.executeNow(def, subject, actor, decide));
    const tail = run.catch(() => {});
    this.queues.set(subject, tail);
    void tail.then(() => {
      if (this.queues.get(subject) === tail) this.queues.delete(subject);
    });
    return run;
  }

  private async executeNow<S, R>(def: AggregateDef<S>, subject: string, actor: string | null, decide: (current: Loaded<S>) => Decision<S, R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      let current = await this.load(def, subject);
      const decision = decide(current);
      try {
        for (const event of decision.events) {
          const { seq, envelope } = await this.store.appendExpected(subject, current.version, event, actor);
          const stored = { seq, subject, id: envelope.id, type: envelope.type, v: envelope.v, at: envelope.at, actor: envelope.actor, data: envelope.data } as StoredEvent;
          current = this.remember(subject, { state: def.evolve(current.state, stored), version: seq });
        }
        return decision.reply(current);
      } catch (err) {
        if (!(err instanceof AppendConflict)) throw err;
        const exhausted = attempt >= MAX_APPEND_ATTEMPTS;
        this.metrics.appendConflict(exhausted);
        if (exhausted) throw new NatterError('conflict', undefined, { subject }, { cause: err });
        // A little jitter so racing writers do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }

  private remember<S>(subject: string, loaded: Loaded<S>): Loaded<S> {
    const prev = this.cache.get(subject);
    if (prev && prev.version > loaded.version) return loaded;
    this.cache.delete(subject); // re-insert: Map order doubles as LRU order
    this.cache.set(subject, loaded);
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return loaded;
  }
}
