/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts. A late settlement of
 * `promise` is absorbed (never an unhandled rejection).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * One signal that aborts when any of `signals` does, with that signal's reason. `dispose()` removes the
 * listeners it added (unlike `AbortSignal.any`, nothing outlives the call).
 */
export function linkSignals(signals: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, dispose: () => cleanups.forEach((cleanup) => cleanup()) };
}

/**
 * Where an acquire learns that it must stop: the caller's signal and the locker's close. `signal` is both as
 * one signal, linked (listeners added) only when first read, so an acquire that never listens links nothing.
 */
export class AbortScope {
  readonly #signals: readonly AbortSignal[];
  #linked: { signal: AbortSignal; dispose: () => void } | undefined;

  constructor(signals: readonly AbortSignal[]) {
    this.#signals = signals;
  }

  /** One signal that aborts when any of the scope's signals does (see {@link linkSignals}). */
  get signal(): AbortSignal {
    if (this.#signals.length === 1) return this.#signals[0] as AbortSignal;
    return (this.#linked ??= linkSignals(this.#signals)).signal;
  }

  /** Throws the reason of the first aborted signal, without linking. */
  throwIfAborted(): void {
    for (const signal of this.#signals) signal.throwIfAborted();
  }

  /** Whether any signal aborted, without linking. */
  get aborted(): boolean {
    for (const signal of this.#signals) if (signal.aborted) return true;
    return false;
  }

  /** Removes the listeners the link added, if any. */
  dispose(): void {
    this.#linked?.dispose();
  }
}
