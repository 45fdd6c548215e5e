import type { ClientContext, LockAdapter, LockClient } from './LockAdapter.js';

/**
 * A lock adapter broke the harness's contract (its `connect` threw): a bug in the adapter, not a verdict on the
 * lock. `runChaos` rejects with it at the first schedule that hits it, after restoring the global clock and
 * `Math.random`.
 *
 * @example
 * ```ts
 * try { await runChaos({ lock }) } catch (e) { if (e instanceof ChaosAdapterError) console.error(e.message) }
 * ```
 */
export class ChaosAdapterError extends Error {
  override readonly name = 'ChaosAdapterError';
  readonly code = 'ERR_CHAOS_ADAPTER';
}

/**
 * `lock.connect(context)`, with a throw turned into a {@link ChaosAdapterError} that names the adapter and client.
 *
 * @example
 * ```ts
 * const client = connectAdapter(lock, { redis, now, random, id: 0 })
 * ```
 */
export function connectAdapter(lock: LockAdapter, context: ClientContext): LockClient {
  try {
    return lock.connect(context);
  } catch (error) {
    throw new ChaosAdapterError(
      `lock adapter "${lock.name}": connect() threw for client ${context.id}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      { cause: error },
    );
  }
}
