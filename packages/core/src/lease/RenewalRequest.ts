import type { LockTarget } from '../keys/target.js';
import type { Renewal, RenewalOutcome } from './RenewalBatcher.js';

/**
 * A renewal that takes its answer by a call rather than a promise: a held lock keeps one and sends it again at
 * every renewal (no promise, closure or record per renewal for 30 000 renewals a second).
 */
export interface RenewalRequest extends Renewal {
  /** This lease's {@link RenewalOutcome}. */
  answered(outcome: RenewalOutcome): void;
  /** The batch's call failed with `error` (or was never sent, behind one that failed). */
  unanswered(error: unknown): void;
}

/** A `RenewalBatcher.renew` call's request: settles its promise. */
export class PromisedRenewal implements RenewalRequest {
  readonly target: LockTarget;
  readonly token: string;
  readonly ttl: number;
  readonly #resolve: (extended: boolean) => void;
  readonly #reject: (error: unknown) => void;

  constructor(renewal: Renewal, resolve: (extended: boolean) => void, reject: (error: unknown) => void) {
    ({ target: this.target, token: this.token, ttl: this.ttl } = renewal);
    this.#resolve = resolve;
    this.#reject = reject;
  }

  answered(outcome: RenewalOutcome): void {
    if (outcome instanceof Error) this.#reject(outcome);
    else this.#resolve(outcome);
  }

  unanswered(error: unknown): void {
    this.#reject(error);
  }
}

/**
 * Calls `tell` for every request of `batch`; one that throws (a throwing event listener) does not keep the
 * others from their answers: the first error is thrown once all were told.
 */
export function tellEach(
  batch: readonly RenewalRequest[],
  tell: (request: RenewalRequest, index: number) => void,
): void {
  let failure: { error: unknown } | undefined;
  for (let index = 0; index < batch.length; index++) {
    try {
      tell(batch[index] as RenewalRequest, index);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
