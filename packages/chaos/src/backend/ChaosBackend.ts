import type { Scheduler } from 'fast-check';
import type { ChaosConfig } from '../options.js';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import { World } from '../world/World.js';

/** Makes one world per schedule; the real backend also owns the redis-server processes of the whole run. */
export interface ChaosBackend {
  /** Redis nodes that server faults can hit. */
  readonly nodes: number;
  /** A fresh world for one schedule, with that schedule's ttl. */
  createWorld(params: {
    readonly scheduler: Scheduler;
    readonly seed: number;
    readonly ttl: number;
  }): Promise<ChaosWorld>;
  /** Stops whatever the backend started. */
  stop(): Promise<void>;
}

/** Starts the backend `config` asks for: the virtual-time world, or real redis-server processes. */
export async function startBackend(config: ChaosConfig): Promise<ChaosBackend> {
  if (config.backend === 'redis') {
    const { RealBackend } = await import('../real/RealBackend.js');
    return RealBackend.start(config);
  }
  const masters = config.topology === 'quorum3' ? 3 : config.topology === 'quorum5' ? 5 : 1;
  return {
    nodes: masters,
    // async: a world whose construction throws (a broken adapter) rejects instead of throwing synchronously.
    createWorld: async ({ scheduler, seed, ttl }) =>
      Promise.resolve(
        new World({
          lock: config.lock,
          clients: config.clients,
          clientsPerProcess: config.clientsPerProcess,
          ttl,
          bounds: config.bounds,
          scheduler,
          seed,
          freezes: config.faults.includes('waiterStall'),
          limit: config.limit,
          shared: config.sharedRatio > 0,
          masters,
        }),
      ),
    stop: () => Promise.resolve(),
  };
}
