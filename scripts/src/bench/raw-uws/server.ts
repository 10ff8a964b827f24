import { randomUUID } from 'node:crypto';
import uWS from 'uWebSockets.js';

/**
 * The raw uWebSockets.js baseline: pub/sub with no persistence, speaking the subset of Natter's protocol the
 * bench uses (hello, resume -> synced, send -> event to every subscriber of the room + ack to the sender).
 * Rooms are topics; a socket subscribes to the rooms listed in `?rooms=a,b`. Frames have the same shape and
 * about the same size as Natter's, so the generator does the same work against both.
 *
 * Run: node --import tsx scripts/src/bench/raw-uws/server.ts <port>   (prints `listening <port>`)
 */
const port = Number(process.argv[2] ?? 0);
const seqs = new Map<string, number>();
let conn = 0;

interface Data {
  rooms: string[];
  id: string;
}

const app = uWS.App();
app.ws<Data>('/ws', {
  compression: uWS.DISABLED,
  maxPayloadLength: 16 * 1024,
  maxBackpressure: 1024 * 1024,
  closeOnBackpressureLimit: 1,
  idleTimeout: 120,
  upgrade: (res, req, ctx) => {
    const q = new URLSearchParams(req.getQuery() ?? '');
    const rooms = (q.get('rooms') ?? '').split(',').filter(Boolean);
    res.upgrade<Data>({ rooms, id: `c${++conn}` }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), ctx);
  },
  open: (ws) => {
    const d = ws.getUserData();
    ws.send(JSON.stringify({ type: 'hello', userId: d.id, connId: d.id, node: 'raw-uws' }));
  },
  message: (ws, msg) => {
    let f: { type?: string; id?: string; roomId?: string; clientMsgId?: string; text?: string };
    try {
      f = JSON.parse(Buffer.from(msg).toString());
    } catch {
      return;
    }
    const d = ws.getUserData();
    if (f.type === 'resume') {
      for (const r of d.rooms) ws.subscribe(r);
      ws.send(JSON.stringify({ type: 'synced', rooms: Object.fromEntries(d.rooms.map((r) => [r, seqs.get(r) ?? 0])) }));
    } else if (f.type === 'send' && f.roomId && f.text) {
      const seq = (seqs.get(f.roomId) ?? 0) + 1;
      seqs.set(f.roomId, seq);
      const data = { roomId: f.roomId, messageId: randomUUID(), senderId: d.id, clientMsgId: f.clientMsgId, text: f.text };
      const event = { id: randomUUID(), type: 'MessageSent', v: 1, at: new Date().toISOString(), actor: d.id, data };
      app.publish(f.roomId, JSON.stringify({ type: 'event', room: f.roomId, seq, event }));
      ws.send(JSON.stringify({ type: 'ack', id: f.id, result: { seq, duplicate: false } }));
    } else if (f.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong', id: f.id }));
    }
  },
});
app.get('/healthz', (res) => {
  res.writeHeader('content-type', 'application/json').end('{"ok":true}');
});
app.listen('127.0.0.1', port, (token) => {
  if (!token) {
    console.error(`cannot listen on ${port}`);
    process.exit(1);
  }
  console.log(`listening ${uWS.us_socket_local_port(token)}`);
});
process.on('SIGTERM', () => process.exit(0));
