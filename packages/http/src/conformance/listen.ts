import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on 127.0.0.1: its base URL, and how to stop it. */
export interface Listening {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Stops the server, dropping open connections (keep-alive ones too); resolves once it is closed. */
  readonly close: () => Promise<void>;
}

/**
 * Starts `server` on a free port of 127.0.0.1; resolves once it listens. Adapter harnesses and tests use it to
 * serve an app for one test.
 *
 * @example
 * ```ts
 * const { url, close } = await listen(createServer(app))
 * try {
 *   expect((await get(url, '/items/1')).status).to.equal(200)
 * } finally {
 *   await close()
 * }
 * ```
 */
export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
