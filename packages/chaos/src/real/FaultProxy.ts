import { createServer, Socket, type Server } from 'node:net';
import type { ConnectionFaults } from '../world/ConnectionFaults.js';

/** Pub/sub pushes (`message`, `smessage`) as RESP2 sends them. */
const PUSH = /^\*3\r\n\$(7\r\nmessage|8\r\nsmessage)\r\n/;
const SUBSCRIBE = /subscribe/i;
/** The first byte of a RESP error reply (such as NOSCRIPT, before a script is loaded). */
const ERROR_REPLY = 0x2d;

/** One accepted connection and its upstream twin. */
interface Pair {
  readonly client: Socket;
  readonly server: Socket;
  subscriber: boolean;
  /** Chunks waiting in each direction, in order, with the time each is due. */
  readonly up: Queued[];
  readonly down: Queued[];
}

interface Queued {
  readonly chunk: Buffer;
  readonly due: number;
}

/**
 * A TCP proxy in front of one Redis node for one client, driven by that client's {@link ConnectionFaults} (real
 * time, `Date.now()` ms): latency with jitter (a fraction of it) on replies, a hold of every byte both ways while paused (a
 * partition that heals), connection errors before a command reaches Redis (`failUntil`: the command is not
 * applied), lost replies (`dropReplies`: the command was applied, its reply is dropped and the connection reset),
 * lost pub/sub messages, a reset of every connection, and a crash (everything cut, new connections refused).
 *
 * @example
 * ```ts
 * const proxy = await FaultProxy.start(server.port, faults)
 * const redis = new Redis({ port: proxy.port })
 * faults.dropReplies = 1 // the next reply is lost
 * ```
 */
export class FaultProxy {
  readonly #server: Server;
  #target: number;
  readonly #faults: ConnectionFaults;
  #jitter: number;
  readonly #random: () => number;
  readonly #pairs = new Set<Pair>();
  readonly #timers = new Set<NodeJS.Timeout>();
  port = 0;

  private constructor(target: number, faults: ConnectionFaults, jitter: number, random: () => number) {
    this.#target = target;
    this.#faults = faults;
    this.#jitter = jitter;
    this.#random = random;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `127.0.0.1:targetPort`. Default jitter: 0. */
  static async start(
    targetPort: number,
    faults: ConnectionFaults,
    { jitter = 0, random = Math.random }: { jitter?: number; random?: () => number } = {},
  ): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetPort, faults, jitter, random);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.#server.address();
    proxy.port = typeof address === 'object' && address !== null ? address.port : 0;
    return proxy;
  }

  /** Sets the jitter: each delayed reply waits latency × (1 + random × `fraction`). */
  setJitter(fraction: number): void {
    this.#jitter = fraction;
  }

  /** Sends new connections to `127.0.0.1:targetPort` from now on and cuts the current ones (a failover). */
  retarget(targetPort: number): void {
    this.#target = targetPort;
    this.reset();
  }

  /** Cuts every connection with a TCP reset; clients reconnect. */
  reset(): void {
    for (const pair of this.#pairs) this.#cut(pair);
  }

  /** Cuts everything and stops listening. */
  async close(): Promise<void> {
    this.reset();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#faults.crashed) {
      client.resetAndDestroy();
      return;
    }
    const server = new Socket();
    const pair: Pair = { client, server, subscriber: false, up: [], down: [] };
    this.#pairs.add(pair);
    client.setNoDelay(true);
    server.setNoDelay(true);
    server.connect(this.#target, '127.0.0.1');
    client.pause(); // nothing is read before the upstream connection exists
    server.once('connect', () => client.resume());
    client.on('data', (chunk: Buffer) => this.#up(pair, chunk));
    server.on('data', (chunk: Buffer) => this.#down(pair, chunk));
    const cut = (): void => this.#cut(pair);
    for (const socket of [client, server]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
  }

  /** Client → Redis. */
  #up(pair: Pair, chunk: Buffer): void {
    const f = this.#faults;
    if (f.crashed || Date.now() < f.failUntil) return this.#cut(pair);
    if (SUBSCRIBE.test(chunk.toString('latin1'))) pair.subscriber = true;
    this.#enqueue(pair, pair.up, pair.server, { chunk, due: 0 });
    const hold = f.cutAfterRequest;
    if (hold === undefined || pair.subscriber || pair.up.length > 0) return;
    // The request went out (the queue is empty: written); cut before its reply, and hold the reconnection.
    f.cutAfterRequest = undefined;
    f.pausedUntil = Math.max(f.pausedUntil, Date.now() + hold);
    this.#pairs.delete(pair);
    pair.server.end();
    pair.client.resetAndDestroy();
  }

  /** Redis → client. */
  #down(pair: Pair, chunk: Buffer): void {
    const f = this.#faults;
    if (f.crashed) return this.#cut(pair);
    const now = Date.now();
    if (pair.subscriber) {
      if (now < f.lostWakeupUntil && PUSH.test(chunk.toString('latin1'))) return;
    } else if (f.dropReplies > 0) {
      f.dropReplies -= 1;
      return this.#cut(pair); // applied, but the reply never arrives
    } else if (f.afterReply && chunk[0] !== ERROR_REPLY) {
      const hook = f.afterReply;
      f.afterReply = undefined;
      hook();
    }
    const latency = now < f.latencyUntil ? f.latencyMs * (1 + this.#random() * this.#jitter) : 0;
    this.#enqueue(pair, pair.down, pair.client, { chunk, due: now + latency });
  }

  #enqueue(pair: Pair, queue: Queued[], to: Socket, item: Queued): void {
    queue.push(item);
    if (queue.length === 1) this.#pump(pair, queue, to);
  }

  /** Writes the chunks whose time has come, in order; a pause holds them all. */
  #pump(pair: Pair, queue: Queued[], to: Socket): void {
    const f = this.#faults;
    for (;;) {
      if (f.crashed) return this.#cut(pair);
      const head = queue[0];
      if (!head || to.destroyed) return;
      const wait = Math.max(head.due, f.pausedUntil) - Date.now();
      if (wait > 0) {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#pump(pair, queue, to);
        }, wait);
        this.#timers.add(timer);
        return;
      }
      queue.shift();
      to.write(head.chunk);
    }
  }

  #cut(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (!pair.server.destroyed) pair.server.destroy();
  }
}
