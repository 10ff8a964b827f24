import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Commands, pathParams, Streams, type CommandName, type ServerFrame } from '@natter/contracts';
import type { TestSocket, TestUser } from './client';

/** The event stream's last sequence: a refused command must leave it where it was. */
export class StreamWatch {
  private constructor(private readonly nc: NatsConnection) {}
  static async open(natsUrl: string): Promise<StreamWatch> {
    return new StreamWatch(await connect({ servers: natsUrl.split(',') }));
  }
  async lastSeq(): Promise<number> {
    return (await (await jetstreamManager(this.nc)).streams.info(Streams.events)).state.last_seq;
  }
  close(): Promise<void> {
    return this.nc.close();
  }
}

export interface Outcome {
  status: number;
  code?: string;
  body: any;
}

/**
 * Run a command of contracts' `Commands` over HTTP the way its table says (method, path with the input's ids,
 * the rest as the body): what a program would send.
 */
export async function httpCommand(user: TestUser, name: CommandName, input: Record<string, unknown>): Promise<Outcome> {
  const def = Commands[name];
  const params = pathParams(def.http.path);
  const path = params.reduce((p, k) => p.replace(`:${k}`, encodeURIComponent(String(input[k]))), def.http.path);
  const body = Object.fromEntries(Object.entries(input).filter(([k]) => !params.includes(k)));
  const r = await user.call(def.http.method.toUpperCase(), path, 'body' in def.http && def.http.body ? body : undefined);
  return { status: r.status, code: r.body?.error?.code, body: r.body };
}

let frameIds = 0;
/** The same command over the WebSocket (`command` frame): ack -> 200, error -> the code's HTTP status. */
export async function wsCommand(socket: TestSocket, name: CommandName, input: Record<string, unknown>, statusOf: (code: string) => number): Promise<Outcome> {
  const id = `m${++frameIds}`;
  socket.send({ type: 'command', id, name, input });
  const f = await socket.until(`answer to ${name} (${id})`, (fs) => fs.find((x) => (x.type === 'ack' || x.type === 'error') && (x as { id?: string }).id === id));
  if (f.type === 'ack') return { status: 200, body: (f as Extract<ServerFrame, { type: 'ack' }>).result };
  const e = f as Extract<ServerFrame, { type: 'error' }>;
  return { status: statusOf(e.code), code: e.code, body: e };
}

/** Open a socket, wait for hello, resume with no positions and wait for synced; returns the synced rooms. */
export async function synced(user: TestUser, wsUrl: string): Promise<{ socket: TestSocket; rooms: Record<string, number> }> {
  const socket = await user.connect(wsUrl);
  await socket.until('hello', (f) => f.some((x) => x.type === 'hello'));
  socket.send({ type: 'resume', rooms: {} });
  const s = await socket.until('synced', (f) => f.find((x) => x.type === 'synced'));
  return { socket, rooms: (s as Extract<ServerFrame, { type: 'synced' }>).rooms };
}
