import type { LockAdapter } from '../adapter/LockAdapter.js';

/**
 * What every world is set up with, on either backend (`MockWorldConfig`, `RealWorldConfig` add their own).
 *
 * @example
 * ```ts
 * const config: WorldConfig = { lock: deadboltAdapter(), clients: 3, ttl: 1_000, bounds: 'within', seed: 7 }
 * ```
 */
export interface WorldConfig {
  readonly lock: LockAdapter;
  readonly clients: number;
  /** Clients sharing one lock client, connection and clock (see `ChaosOptions.clientsPerProcess`). Default `1`. */
  readonly clientsPerProcess?: number;
  readonly ttl: number;
  readonly bounds: 'within' | 'beyond';
  /** The per-schedule world seed: seeds `Math.random` and the clients' random sources (not fast-check's seed). */
  readonly seed: number;
  /** Permits of the key (`ChaosOptions.limit`). Default `1`. */
  readonly limit?: number;
  /** Whether acquires may ask for read shares (`ChaosOptions.sharedRatio` above 0). Default `false`. */
  readonly shared?: boolean;
}
