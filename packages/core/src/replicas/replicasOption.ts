import { LockConfigError } from '../errors/LockConfigError.js';
import { describe, positiveDuration, refuseUnknownOptions } from '../config/validate.js';

/** The `replicas` option after validation, with its default filled in. */
export interface ReplicaConfig {
  /** How many replicas must acknowledge. */
  readonly wait: number;
  /** How long `WAIT` may block, in ms. */
  readonly timeout: number;
}

/** Default of `replicas.timeout`, in ms. */
export const DEFAULT_REPLICA_TIMEOUT_MS = 100;

/**
 * Validates the `replicas` option: `{ wait, timeout? }`, `wait` an integer of at least 1, `timeout` a positive
 * integer number of ms (default 100). Throws `LockConfigError`.
 *
 * @example
 * ```ts
 * replicasOption({ wait: 1 }) // { wait: 1, timeout: 100 }
 * ```
 */
export function replicasOption(value: unknown): ReplicaConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LockConfigError(`"replicas" must be an object { wait, timeout }, got ${describe(value)}.`);
  }
  const given = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  refuseUnknownOptions(given, ['wait', 'timeout'], '"replicas"');
  const { wait, timeout = DEFAULT_REPLICA_TIMEOUT_MS } = given as { wait?: unknown; timeout?: unknown };
  if (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 1 || wait > 1_000) {
    throw new LockConfigError(
      `"replicas.wait" must be an integer from 1 to 1000 (how many replicas acknowledge), got ${describe(wait)}.`,
    );
  }
  return { wait, timeout: positiveDuration('replicas.timeout', timeout) };
}
