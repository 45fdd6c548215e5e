import { checkHistory, deadboltAdapter, formatHistory, type Violation } from '@deadbolt/chaos';
import { RealWorld, type RealWorldConfig } from '../../src/real/RealWorld.js';
import type { RedisTopology } from '../../src/real/RedisTopology.js';

/**
 * Runs `body` in a fresh world of two clients on `topology` (deadbolt, within the bounds, unless `config` says
 * otherwise), lets every lease lifetime pass, and checks the history.
 */
export async function realScenario(
  topology: RedisTopology,
  config: Partial<RealWorldConfig> & { ttl: number },
  body: (world: RealWorld) => Promise<void>,
): Promise<{ violations: Violation[]; world: RealWorld }> {
  const world = await RealWorld.create(
    { lock: deadboltAdapter(), clients: 2, bounds: 'within', seed: 1, ...config },
    topology,
  );
  try {
    await body(world);
    await world.finish(config.ttl);
  } finally {
    await world.dispose();
  }
  return { violations: checkHistory(world.history), world };
}

/** Lets real time pass until `condition` holds, probing as it goes; fails with the history after `limit` ms. */
export async function realUntil(
  world: RealWorld,
  condition: () => boolean,
  what: string,
  limit = 10_000,
): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > limit)
      throw new Error(`timed out waiting for ${what}\n${formatHistory(world.history.events)}`);
    await world.advance(20);
  }
}
