import { membershipChange, type StoredEvent } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import { LiveTopic, TopicBudget } from './live-topic';
import { EdgeMetrics } from './metrics';
import type { TopicMember } from './room-feed';

const msg = (seq: number): StoredEvent => ({ seq, subject: 'ev.room.r.msg', id: `e${seq}`, type: 'MessageSent', v: 1, at: '', actor: 'x', data: { roomId: 'r', messageId: `m${seq}`, senderId: 'x', clientMsgId: `c${seq}`, text: 't' } });
const left = (seq: number, userId: string): StoredEvent => ({ seq, subject: 'ev.room.r.meta', id: `e${seq}`, type: 'MemberLeft', v: 1, at: '', actor: userId, data: { roomId: 'r', userId, reason: 'left', removedBy: null } });

/** A member recording what it was published and where it was told it stands. */
class Member implements TopicMember {
  subscribed = false;
  buffered = 0;
  /** getBufferedAmount calls: what a budget check costs. */
  polled = 0;
  leftAt: number[] = [];
  constructor(readonly userId: string, private readonly log: string[]) {}
  subscribe(topic: string) {
    this.subscribed = true;
    this.log.push(`${this.userId} +${topic}`);
  }
  unsubscribe(topic: string) {
    this.subscribed = false;
    this.log.push(`${this.userId} -${topic}`);
  }
  bufferedAmount() {
    this.polled++;
    return this.buffered;
  }
  leftTopic(pos: number) {
    this.leftAt.push(pos);
  }
}

function world(checkEveryBytes = 1 << 30) {
  const log: string[] = [];
  const metrics = new EdgeMetrics();
  const budget = new TopicBudget({ publish: (_t, text) => void log.push(`pub ${text}`) }, metrics, 100, checkEveryBytes);
  const topic = new LiveTopic('room:r', budget);
  const deliver = (ev: StoredEvent) => topic.deliver(ev, membershipChange(ev), () => String(ev.seq));
  return { log, metrics, topic, deliver };
}

describe('LiveTopic', () => {
  it('the first member sets the position; later ones join only exactly there', () => {
    const w = world();
    const a = new Member('a', w.log);
    const b = new Member('b', w.log);
    expect(w.topic.join(a, 5)).toBe(true);
    w.deliver(msg(7));
    expect(w.topic.join(b, 5)).toBe(false); // behind: still gets 7 per event
    expect(w.topic.join(b, 8)).toBe(false); // ahead: 8 would come again from the topic
    expect(w.topic.join(b, 7)).toBe(true);
    w.deliver(msg(9));
    expect(w.log).toEqual(['a +room:r', 'pub 7', 'b +room:r', 'pub 9']);
  });

  it('an event at or below the position is not published (a late repair never goes out of order)', () => {
    const w = world();
    w.topic.join(new Member('a', w.log), 10);
    w.deliver(msg(9));
    w.deliver(msg(10));
    w.deliver(msg(11));
    expect(w.log.filter((l) => l.startsWith('pub'))).toEqual(['pub 11']);
  });

  it("a member's own leave takes it off the topic before the leave is published; it continues from there", () => {
    const w = world();
    const a = new Member('a', w.log);
    const b = new Member('b', w.log);
    w.topic.join(a, 1);
    w.topic.join(b, 1);
    w.deliver(msg(2));
    w.deliver(left(3, 'b'));
    expect(w.log).toEqual(['a +room:r', 'b +room:r', 'pub 2', 'b -room:r', 'pub 3']);
    expect(b.leftAt).toEqual([2]); // b's cursor gets 3 (its leave) per event
    expect(w.topic.seq).toBe(3);
  });

  it('a member past the slow mark leaves at the event it was last published, during that publish', () => {
    const w = world(1); // check after every publish
    const a = new Member('a', w.log);
    const slow = new Member('s', w.log);
    w.topic.join(a, 1);
    w.topic.join(slow, 1);
    slow.buffered = 101;
    w.deliver(msg(2));
    expect(slow.leftAt).toEqual([2]); // it has 2 already: the per-event path goes on after it
    expect(w.metrics.topicSlowLeaves).toBe(1);
    expect(w.topic.has(a)).toBe(true);
    expect(w.metrics.topicSubscriptions).toBe(1);
  });

  it('a check looks only at the members of topics published to since the last check', () => {
    const log: string[] = [];
    const budget = new TopicBudget({ publish: (_t, text) => void log.push(`pub ${text}`) }, new EdgeMetrics(), 100, 1 << 30);
    const busy = new LiveTopic('room:busy', budget);
    const quiet = new LiveTopic('room:quiet', budget);
    const b = new Member('b', log);
    const q = new Member('q', log);
    busy.join(b, 1);
    quiet.join(q, 1);
    quiet.deliver(msg(2), null, () => '2');
    budget.check();
    busy.deliver(msg(3), null, () => '3');
    q.polled = 0;
    b.polled = 0;
    budget.check();
    expect(b.polled).toBe(1);
    expect(q.polled).toBe(0);
  });

  it('a member that filled up while its topic was quiet leaves at the first publish after, having that event', () => {
    const log: string[] = [];
    const budget = new TopicBudget({ publish: (_t, text) => void log.push(`pub ${text}`) }, new EdgeMetrics(), 100, 1 << 30);
    const quiet = new LiveTopic('room:quiet', budget);
    const ok = new Member('ok', log);
    const full = new Member('full', log);
    quiet.join(ok, 1);
    quiet.join(full, 1);
    budget.check(); // the topic was not published to: nobody polled
    full.buffered = 101; // its socket filled through another room's topic
    budget.check();
    expect(quiet.has(full)).toBe(true);
    quiet.deliver(msg(2), null, () => '2');
    expect(log.slice(-2)).toEqual(['pub 2', 'full -room:quiet']);
    expect(full.leftAt).toEqual([2]);
    expect(quiet.has(ok)).toBe(true);
    // Checked at the check after: the next publish does not poll again before it.
    budget.check();
    ok.polled = 0;
    quiet.deliver(msg(3), null, () => '3');
    expect(ok.polled).toBe(0);
  });
});
