// Stress: N uWS apps in one process, ws clients in the same process, async upgrades,
// clients open, exchange one frame, some close; count unexpected 1006 drops.
import uWS from 'uWebSockets.js';
import WebSocket from 'ws';
const APPS = Number(process.env.APPS ?? 2);
const ports = [];
for (let a = 0; a < APPS; a++) {
  const app = uWS.App().ws('/ws', {
    idleTimeout: 120, sendPingsAutomatically: true, maxPayloadLength: 65536,
    upgrade: (res, req, context) => {
      const key = req.getHeader('sec-websocket-key'), protocol = req.getHeader('sec-websocket-protocol'), ext = req.getHeader('sec-websocket-extensions');
      let aborted = false; res.onAborted(() => { aborted = true; });
      Promise.resolve().then(() => new Promise((r) => setImmediate(r))).then(() => { if (!aborted) res.cork(() => res.upgrade({}, key, protocol, ext, context)); });
    },
    open: (ws) => ws.cork(() => ws.send('{"type":"hello"}')),
    message: (ws, m) => { const t = Buffer.from(m).toString(); setImmediate(() => { try { ws.cork(() => ws.send(t)); } catch {} }); },
    close: (ws, code, msg) => { if (code === 1006) console.log('server saw 1006', Buffer.from(msg).toString()); },
  });
  const ls = await new Promise((r) => app.listen('127.0.0.1', 0, r));
  ports.push(uWS.us_socket_local_port(ls));
  globalThis['app' + a] = app;
}
let drops = 0, ok = 0;
const keep = [];
async function one(i) {
  const port = ports[i % ports.length];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  let got = 0; let closed;
  ws.on('message', () => got++);
  ws.on('close', (c) => { closed = c; });
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  while (got < 1) { if (closed) break; await new Promise((r) => setTimeout(r, 1)); }
  ws.send(JSON.stringify({ type: 'x', id: String(i) }));
  const t0 = Date.now();
  while (got < 2 && !closed && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 1));
  if (got < 2) { drops++; console.log('drop', i, closed); } else ok++;
  if (i % 3 === 0) ws.close(); else keep.push(ws);
}
const N = Number(process.env.N ?? 3000);
for (let i = 0; i < N; i += 4) await Promise.all([one(i), one(i + 1), one(i + 2), one(i + 3)]);
console.log({ ok, drops });
process.exit(0);
