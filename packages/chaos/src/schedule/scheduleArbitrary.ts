import fc from 'fast-check';
import type { ChaosConfig } from '../options.js';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import { scheduleCommands, type ChaosModel } from './commands.js';

/** One generated schedule: its ttl and its steps. */
export interface Schedule {
  readonly ttl: number;
  readonly commands: Iterable<fc.AsyncCommand<ChaosModel, ChaosWorld>>;
}

/**
 * The arbitrary of a run's schedules. With a fixed ttl it is exactly the commands (so seeds and paths recorded
 * before ttl ranges existed replay unchanged); with a range it draws the ttl first and sizes the steps from it, so
 * the seed and path of a failure replay its ttl too.
 *
 * @example
 * ```ts
 * fc.asyncProperty(scheduleArbitrary(resolveChaosOptions({ ttl: { min: 100, max: 3000 } }), 1), async (s) => {})
 * ```
 */
export function scheduleArbitrary(config: ChaosConfig, nodes: number): fc.Arbitrary<Schedule> {
  const forTtl = (ttl: number): fc.Arbitrary<Schedule> =>
    fc
      .commands(
        scheduleCommands({
          clients: config.clients,
          ttl,
          faults: config.faults,
          bounds: config.bounds,
          driftFactor: config.lock.driftFactor,
          nodes,
          contention: config.contention,
          sharedRatio: config.sharedRatio,
          keyLifetime: config.lock.keyLifetime(ttl),
        }),
        {
          maxCommands: config.operations,
          size: 'max',
          ...(config.replayPath === undefined ? {} : { replayPath: config.replayPath }),
        },
      )
      .map((commands) => ({ ttl, commands }));
  const { min, max } = config.ttl;
  return min === max ? forTtl(min) : fc.integer({ min, max }).chain(forTtl);
}
