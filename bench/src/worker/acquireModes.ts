import type { AcquireMode } from '../libraries/LockLibrary.js';
import type { RunMode } from './protocol.js';

/** The golden ratio's fraction: client offsets `index × φ mod 1` spread evenly over [0, 1) for any count. */
const SPREAD = 0.618_033_988_749_895;
/** The credit counts in millionths, in integers, so that 10 × 0.9 makes exactly 9 (in floats it falls short). */
const UNIT = 1_000_000;

/**
 * The modes of one client's successive acquires under `mode`: no mode (exclusive) when `mode` is absent, one of
 * `limit` permits every time, or a read share for the fraction `sharedRatio` of them (to a millionth), spread
 * evenly. A credit grows by the ratio on every acquire and a shared acquire spends 1 of it, so with 0.9 exactly 9 of every 10
 * consecutive acquires are shared. The credit starts at an offset of the client's `index`, so that the clients'
 * exclusive acquires do not all fall on the same turn.
 *
 * @example
 * ```ts
 * const next = acquireModes({ sharedRatio: 0.9 }, 3)
 * const release = await client.acquire(key, next()) // { shared: true } 9 times in 10, else undefined
 * ```
 */
export function acquireModes(mode: RunMode | undefined, index: number): () => AcquireMode | undefined {
  if (mode?.limit !== undefined) {
    const permit: AcquireMode = { limit: mode.limit };
    return () => permit;
  }
  const ratio = mode?.sharedRatio;
  if (ratio === undefined) return () => undefined;
  const shared: AcquireMode = { shared: true };
  const step = Math.round(ratio * UNIT);
  let credit = Math.floor(((index * SPREAD) % 1) * UNIT);
  return () => {
    credit += step;
    if (credit < UNIT) return undefined;
    credit -= UNIT;
    return shared;
  };
}
