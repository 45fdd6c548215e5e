import type { Scheduler } from 'fast-check';
import type { ChaosWorld } from './ChaosWorld.js';

/**
 * Makes one world per schedule: the virtual-time backend (`mock/MockBackend.ts`) or real redis-server processes
 * (`real/RealBackend.ts`, which also owns the processes of the whole run).
 */
export interface ChaosBackend {
  /** Redis nodes that server faults can hit. */
  readonly nodes: number;
  /**
   * A fresh world for one schedule, with that schedule's ttl. `worldSeed` seeds the world's own randomness (client
   * clocks, drift); it is drawn per schedule and is not fast-check's run seed.
   */
  createWorld(params: {
    readonly scheduler: Scheduler;
    readonly worldSeed: number;
    readonly ttl: number;
  }): Promise<ChaosWorld>;
  /** Stops whatever the backend started. */
  stop(): Promise<void>;
}
