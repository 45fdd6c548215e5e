import { brand } from '../brand.js';
import { LockError } from './LockError.js';

/** What one Redis master answered during a quorum operation. */
export interface QuorumNodeResult {
  /** Position of the node in the array given to `createLocker`. */
  readonly node: number;
  /**
   * `granted`/`busy` for an answer (for extend and release: still held / no longer held), `error` for a failed
   * or timed-out command, `pending` for a node that had not answered when the outcome was decided.
   */
  readonly outcome: 'granted' | 'busy' | 'error' | 'pending';
  /** The error, for `outcome: 'error'`. */
  readonly error?: Error;
}

/**
 * A quorum operation (N independent masters) could not reach a majority in time, or the majority's grant was
 * no longer valid once it was reached.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof QuorumError) console.log(e.nodes) }
 * ```
 */
export class QuorumError extends LockError {
  static {
    brand(this, 'QuorumError');
  }

  readonly code = 'ERR_LOCK_QUORUM' as const;

  constructor(
    message: string,
    readonly nodes: readonly QuorumNodeResult[],
  ) {
    super(message);
  }
}
