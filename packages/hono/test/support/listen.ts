import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

/** An app served by @hono/node-server on a free port of 127.0.0.1. */
export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Stops the server, dropping open connections. */
  readonly close: () => Promise<void>;
}

/** Serves `fetch` (a Hono app's `app.fetch`) with @hono/node-server on a free port; resolves once it listens. */
export async function listen(fetch: Parameters<typeof serve>[0]['fetch']): Promise<Listening> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
