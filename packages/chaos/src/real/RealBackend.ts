import type { ChaosBackend } from '../world/ChaosBackend.js';
import type { ChaosConfig } from '../options.js';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import { RealWorld } from './RealWorld.js';
import { RedisTopology } from './RedisTopology.js';

/**
 * The `redis` backend: starts the topology's redis-server processes once per `runChaos`, empties them before every
 * schedule, and stops them at the end.
 *
 * @example
 * ```ts
 * const backend = await RealBackend.start(resolveChaosOptions({ backend: 'redis', topology: 'cluster' }))
 * ```
 */
export class RealBackend implements ChaosBackend {
  readonly nodes: number;
  readonly #config: ChaosConfig;
  readonly #topology: RedisTopology;

  private constructor(config: ChaosConfig, topology: RedisTopology) {
    this.#config = config;
    this.#topology = topology;
    this.nodes = topology.servers.length;
  }

  static async start(config: ChaosConfig): Promise<RealBackend> {
    const clock = config.faults.includes('clockStep');
    return new RealBackend(config, await RedisTopology.start(config.topology, { clock }));
  }

  createWorld({ worldSeed, ttl }: { readonly worldSeed: number; readonly ttl: number }): Promise<ChaosWorld> {
    const { lock, clients, clientsPerProcess, bounds, processes, client, limit, sharedRatio } = this.#config;
    return RealWorld.create(
      {
        lock,
        clients,
        clientsPerProcess,
        ttl,
        bounds,
        seed: worldSeed,
        processes,
        client,
        limit,
        shared: sharedRatio > 0,
      },
      this.#topology,
    );
  }

  stop(): Promise<void> {
    return this.#topology.stop();
  }
}
