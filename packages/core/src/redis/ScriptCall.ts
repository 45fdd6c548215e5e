import { DONE, type TimerGroup } from '../lease/TimerGroups.js';
import type { TimerEntry, TimerQueue } from '../lease/TimerQueue.js';
import type { Script } from './Script.js';
import { redisError, timeoutError } from './scriptErrors.js';

/** Set by {@link captureSettlers}, read at once by the {@link ScriptCall} whose promise it was given to. */
let capturedResolve: (value: unknown) => void = ignore;
let capturedReject: (reason: unknown) => void = ignore;

/** A promise executor that closes over nothing: the settlers go to the two variables above. */
function captureSettlers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * One `ScriptRunner` call in flight: its promise, settled once by the answer, the failure or the deadline.
 * One object per call, which is also its deadline's entry in the runner's {@link TimerQueue} (`addEntry`): a
 * call allocates no closures for its settlement, and no timer entry.
 *
 * @example
 * ```ts
 * const call = new ScriptCall(deadlines, PROBE, ['k'], [], 500, 'Redis', undefined);
 * client.evalsha(PROBE.sha, 1, 'k').then((value) => call.answered(value), (error) => call.failed(error));
 * return call.promise;
 * ```
 */
export class ScriptCall implements TimerEntry {
  readonly promise: Promise<unknown>;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (reason: unknown) => void;
  readonly #deadlines: TimerQueue;
  /** The deadline, as its timer entry: when (whole ms on the queue's clock), its place, and never a group. */
  at = 0;
  index = DONE;
  group: TimerGroup | undefined = undefined;
  readonly script: Script;
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
  readonly #timeout: number;
  readonly #who: string;
  /** Reads the answer before the promise settles (see `ScriptRunner.runParsed`). */
  readonly #parse: ((reply: unknown) => unknown) | undefined;

  /** Starts the call's deadline, `timeout` ms from now on `deadlines`. */
  constructor(
    deadlines: TimerQueue,
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    timeout: number,
    who: string,
    parse: ((reply: unknown) => unknown) | undefined,
  ) {
    this.promise = new Promise(captureSettlers);
    this.#resolve = capturedResolve;
    this.#reject = capturedReject;
    this.#deadlines = deadlines;
    this.script = script;
    this.keys = keys;
    this.args = args;
    this.#timeout = timeout;
    this.#who = who;
    this.#parse = parse;
    deadlines.addEntry(this, deadlines.now() + timeout);
  }

  /** The deadline entry's callback, run with the call as `this`. */
  get run(): (this: unknown) => void {
    return ScriptCall.#expire as (this: unknown) => void;
  }

  /** The deadline entry's `this`: the call. */
  get receiver(): ScriptCall {
    return this;
  }

  /** Settles the call with Redis' answer (read by `parse` first, when given); stops the deadline. */
  answered(value: unknown): void {
    this.#deadlines.cancel(this);
    const parse = this.#parse;
    if (parse === undefined) {
      this.#resolve(value);
      return;
    }
    try {
      this.#resolve(parse(value));
    } catch (error) {
      this.#reject(error); // as `.then(parse)` would: the parser's own error
    }
  }

  /** Rejects the call with `error` as a `LockRedisError`; stops the deadline. */
  failed(error: unknown): void {
    this.#deadlines.cancel(this);
    this.#reject(redisError(this.script, error));
  }

  /**
   * The deadline came due. The answer may already wait in the socket: an event loop that was stalled runs its
   * timers before it reads its sockets. The rejection waits for the check phase of that same turn, after the
   * poll phase has read them, so an answer that came in time is taken, not timed out.
   */
  static #expire(this: ScriptCall): void {
    setImmediate(ScriptCall.#timedOut, this);
  }

  static #timedOut(call: ScriptCall): void {
    call.#reject(timeoutError(call.script, call.#timeout, call.#who));
  }
}

function ignore(): void {}
