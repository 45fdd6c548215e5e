import { request as httpRequest, type Agent } from 'node:http';

/**
 * One GET of `path` on 127.0.0.1:`port` over `agent`'s connections; resolves once the body was read, rejects on a
 * status other than 200. The probes' client (allocProbe, profileProbe): one request at a time per connection, no
 * load generator in the measured process.
 *
 * @example
 * ```ts
 * await probeGet(new Agent({ keepAlive: true, maxSockets: 1 }), port, '/locked/items/a-1');
 * ```
 */
export function probeGet(agent: Agent, port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}
