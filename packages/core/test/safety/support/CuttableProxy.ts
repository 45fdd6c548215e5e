import { EventEmitter } from 'node:events';
import { createServer, Socket, type Server } from 'node:net';

/** What the proxy does with a client's bytes. */
export type ProxyMode = 'forward' | 'swallow' | 'down';

/**
 * A TCP proxy in front of one Redis server that a test can cut: `forward` passes bytes both ways, `swallow`
 * keeps accepting a client's bytes but never passes them on (a command is sent and never answered), `down`
 * resets every connection and refuses new ones (a client reconnects until the mode changes). Emits `swallowed`
 * for each chunk it swallows.
 *
 * @example
 * ```ts
 * const proxy = await CuttableProxy.start(server.port)
 * const redis = new Redis({ port: proxy.port })
 * proxy.setMode('down') // the client is cut off until `setMode('forward')`
 * ```
 */
export class CuttableProxy extends EventEmitter {
  readonly #server: Server;
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #mode: ProxyMode = 'forward';
  port = 0;

  private constructor(target: number) {
    super();
    this.#target = target;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /** Listens on a free port of 127.0.0.1, forwarding to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    const address = proxy.#server.address();
    proxy.port = typeof address === 'object' && address !== null ? address.port : 0;
    return proxy;
  }

  setMode(mode: ProxyMode): void {
    this.#mode = mode;
    if (mode === 'down') for (const socket of this.#sockets) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    this.setMode('down');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    const server = new Socket();
    this.#sockets.add(client).add(server);
    server.connect(this.#target, '127.0.0.1');
    client.pause();
    server.once('connect', () => client.resume());
    client.on('data', (chunk: Buffer) => {
      if (this.#mode === 'forward') server.write(chunk);
      else this.emit('swallowed', chunk);
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    const cut = (): void => {
      for (const socket of [client, server]) {
        this.#sockets.delete(socket);
        if (!socket.destroyed) socket.resetAndDestroy();
      }
    };
    for (const socket of [client, server]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
  }
}
