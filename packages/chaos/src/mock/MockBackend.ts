import type { ChaosConfig } from '../options.js';
import type { ChaosBackend } from '../world/ChaosBackend.js';
import { MockWorld } from './MockWorld.js';

/** Masters of a mock topology: one ioredis-mock store each. */
function mastersOf(topology: ChaosConfig['topology']): number {
  return topology === 'quorum3' ? 3 : topology === 'quorum5' ? 5 : 1;
}

/** The virtual-time backend: one {@link MockWorld} (ioredis-mock stores, a fake clock) per schedule. */
export function mockBackend(config: ChaosConfig): ChaosBackend {
  const masters = mastersOf(config.topology);
  return {
    nodes: masters,
    // async: a world whose construction throws (a broken adapter) rejects instead of throwing synchronously.
    createWorld: async ({ scheduler, worldSeed, ttl }) =>
      Promise.resolve(
        new MockWorld({
          lock: config.lock,
          clients: config.clients,
          clientsPerProcess: config.clientsPerProcess,
          ttl,
          bounds: config.bounds,
          scheduler,
          seed: worldSeed,
          freezes: config.faults.includes('waiterStall'),
          limit: config.limit,
          shared: config.sharedRatio > 0,
          masters,
        }),
      ),
    stop: () => Promise.resolve(),
  };
}
