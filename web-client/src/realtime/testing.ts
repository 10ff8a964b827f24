import { CloseCode, type ClientFrame, type EventEnvelope, type Message, type ServerFrame } from '@natter/contracts/browser';
import { RealtimeClient, type RealtimeOptions } from './client';
import { memoryOutboxStore } from './memory-store';
import { Outbox } from './outbox';
import { Timelines } from './timeline';
import type { SessionEndReason, SocketLike } from './types';

/** A scripted stand-in for the browser WebSocket: records what the client sends, lets a test speak for the server. */
export class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: ClientFrame[] = [];
  closedByClient: { code?: number; reason?: string } | null = null;
  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
  }

  // server side
  deliver(frame: ServerFrame | Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** `epoch` left out plays an edge from before epochs. */
  hello(userId = 'me', epoch?: string): void {
    this.deliver({ type: 'hello', userId, connId: 'c1', node: 'edge-1', ...(epoch ? { epoch } : {}) });
  }
  synced(rooms: Record<string, number>, epoch?: string): void {
    this.deliver({ type: 'synced', rooms, ...(epoch ? { epoch } : {}) });
  }
  truncated(room: string, after: number, upto: number): void {
    this.deliver({ type: 'truncated', room, after, upto });
  }
  /** The edge's answer to positions of another stream: reset frame, then close 4003. */
  reset(epoch: string, reason: 'epoch' | 'position' | 'stream_recreated' = 'epoch'): void {
    this.deliver({ type: 'reset', reason, epoch });
    this.serverClose(CloseCode.Reset);
  }
  event(room: string, seq: number, event: EventEnvelope): void {
    this.deliver({ type: 'event', room, seq, event });
  }
  serverClose(code: number, reason = ''): void {
    this.onclose?.({ code, reason });
  }
  sentOfType<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }
}

let envCounter = 0;
export function messageEvent(roomId: string, text: string, opts: { senderId?: string; clientMsgId?: string } = {}): EventEnvelope {
  envCounter++;
  return {
    id: `ev-${envCounter}`,
    type: 'MessageSent',
    v: 1,
    at: new Date(Date.UTC(2026, 0, 1, 12, 0, envCounter % 60)).toISOString(),
    actor: opts.senderId ?? 'bob',
    data: { roomId, messageId: `m-${envCounter}`, senderId: opts.senderId ?? 'bob', clientMsgId: opts.clientMsgId ?? `c-${envCounter}`, text },
  };
}

export function memberEvent(roomId: string, userId: string, type: 'MemberJoined' | 'MemberLeft'): EventEnvelope {
  envCounter++;
  const data = type === 'MemberJoined' ? { roomId, userId, role: 'member', addedBy: null } : { roomId, userId, reason: 'left', removedBy: null };
  return { id: `ev-${envCounter}`, type, v: 1, at: new Date().toISOString(), actor: userId, data };
}

export function message(roomId: string, seq: number, text: string, opts: { senderId?: string; clientMsgId?: string } = {}): Message {
  return {
    id: `m-${seq}`,
    roomId,
    seq,
    senderId: opts.senderId ?? 'bob',
    clientMsgId: opts.clientMsgId ?? `c-${seq}`,
    text,
    sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq % 60)).toISOString(),
  };
}

/** A client wired to fakes: sockets are collected in `sockets`, tokens are `t1`, `t2`, ... per refresh. */
export function harness(overrides: Partial<RealtimeOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const ended: SessionEndReason[] = [];
  let tokenN = 1;
  const auth = {
    getAccessToken: async () => `t${tokenN}`,
    refreshAccessToken: async (): Promise<string | null> => `t${++tokenN}`,
    onSessionEnded: (r: SessionEndReason) => void ended.push(r),
  };
  let ids = 0;
  const outboxStore = memoryOutboxStore();
  const outbox = new Outbox(outboxStore, () => `cmid-${++ids}`);
  const timelines = new Timelines();
  let reqIds = 0;
  const client = new RealtimeClient({
    url: (t) => `ws://test/ws?access_token=${t}`,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    auth,
    timelines,
    outbox,
    newId: () => `req-${++reqIds}`,
    random: () => 0.5,
    ...overrides,
  });
  return {
    client,
    auth,
    sockets,
    ended,
    outbox,
    outboxStore,
    timelines,
    last: () => sockets[sockets.length - 1],
  };
}

/** Let the client's awaited token promises settle (works with fake timers too). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
