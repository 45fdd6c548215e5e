import fc from 'fast-check';

/** Builds a fresh scheduler; every call of one generated factory delivers tasks in the same order. */
export type SchedulerFactory = () => fc.Scheduler;

/**
 * `fc.scheduler()` as a factory of fresh schedulers that all pick tasks from the same random stream, so the order
 * of a schedule's commands is a pure function of the generated value.
 *
 * fast-check's own scheduler value is cloned for every shrink candidate, and sibling clones share one random
 * source: each candidate ran under an order that depended on how many candidates had run before it, so a shrunk
 * counterexample, replayed from its seed and path (where nothing runs before it), ran under another order and
 * could pass. The factory takes nothing from the random source (as `fc.scheduler()` does not), so every other
 * value, and every seed and path recorded before it, is generated unchanged; a schedule's first run delivers in
 * the order it always did.
 *
 * @example
 * ```ts
 * fc.asyncProperty(replayableScheduler(), async (newScheduler) => {
 *   const scheduler = newScheduler() // same order on every run of this value, shrunk or replayed
 * })
 * ```
 */
export function replayableScheduler(): fc.Arbitrary<SchedulerFactory> {
  return new ReplayableSchedulerArbitrary();
}

class ReplayableSchedulerArbitrary extends fc.Arbitrary<SchedulerFactory> {
  readonly #scheduler = fc.scheduler();

  generate(mrng: fc.Random): fc.Value<SchedulerFactory> {
    const pristine = mrng.clone();
    const factory: SchedulerFactory = () => this.#scheduler.generate(pristine.clone(), undefined).value;
    return new fc.Value(Object.assign(factory, { [fc.toStringMethod]: () => 'fc.scheduler()' }), undefined);
  }

  canShrinkWithoutContext(_value: unknown): _value is SchedulerFactory {
    return false;
  }

  shrink(): fc.Stream<fc.Value<SchedulerFactory>> {
    return fc.Stream.nil();
  }
}
