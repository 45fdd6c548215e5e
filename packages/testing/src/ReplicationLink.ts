import { createServer, Socket, type Server } from 'node:net';
import { HOST } from './launchServer.js';

/**
 * Internal: the TCP path from one replica to its master, through 127.0.0.1 on a port of its own, so a test can
 * hold the replication stream back. `hold()` keeps the master's bytes in memory instead of passing them on (the
 * replica stays connected, falls behind and acknowledges only what it got); `flush()` passes the held bytes on
 * and forwards again; `close()` drops the held bytes and closes the link (what the replica never got is lost to
 * it, as when its master dies with writes still in flight).
 */
export class ReplicationLink {
  readonly #server: Server;
  readonly #masterPort: number;
  readonly #sockets = new Set<Socket>();
  #held: { to: Socket; chunk: Buffer }[] | undefined;
  #port = 0;

  private constructor(masterPort: number) {
    this.#masterPort = masterPort;
    this.#server = createServer((replica) => this.#accept(replica));
  }

  /** Listens on a free port of 127.0.0.1 and forwards to the master on `masterPort`. */
  static async open(masterPort: number): Promise<ReplicationLink> {
    const link = new ReplicationLink(masterPort);
    await new Promise<void>((resolve) => link.#server.listen(0, HOST, resolve));
    const address = link.#server.address();
    link.#port = typeof address === 'object' && address !== null ? address.port : 0;
    link.#server.unref();
    return link;
  }

  /** The port the replica connects to (its `REPLICAOF 127.0.0.1 <port>`). */
  get port(): number {
    return this.#port;
  }

  /** Whether the master's bytes are being held back. */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** Stops passing the master's bytes to the replica; they are kept until {@link flush} or {@link close}. */
  hold(): void {
    this.#held ??= [];
  }

  /** Passes the held bytes on, in order, and forwards again. */
  flush(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const { to, chunk } of held) if (!to.destroyed) to.write(chunk);
  }

  /** Drops the held bytes, resets every connection and stops listening. */
  async close(): Promise<void> {
    this.#held = undefined;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(replica: Socket): void {
    const master = new Socket();
    this.#sockets.add(replica).add(master);
    replica.pause();
    master.connect(this.#masterPort, HOST);
    master.once('connect', () => replica.resume());
    replica.on('data', (chunk: Buffer) => master.write(chunk));
    master.on('data', (chunk: Buffer) => {
      if (this.#held) this.#held.push({ to: replica, chunk });
      else replica.write(chunk);
    });
    const cut = (): void => {
      for (const socket of [replica, master]) {
        this.#sockets.delete(socket);
        if (!socket.destroyed) socket.resetAndDestroy();
      }
    };
    for (const socket of [replica, master]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
  }
}
