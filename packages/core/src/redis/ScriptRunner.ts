import { TimerQueue } from '../lease/TimerQueue.js';
import { KeptCalls } from './KeptCalls.js';
import type { ScriptClient } from './RedisClient.js';
import type { Script } from './Script.js';
import { ScriptCall } from './ScriptCall.js';
import { notConnectedError } from './scriptErrors.js';

/** Connection states in which ioredis would park a command in its offline queue instead of sending it. */
const DOWN_STATES = new Set(['reconnecting', 'close', 'end']);
/** States of a first connection, or of a reconnection once the connection had been ready. */
const RECONNECT_STATES = new Set(['connecting', 'connect']);

/**
 * Runs scripts on one connection in exactly one round trip: EVAL the first time (which also loads the script
 * into that server's cache), EVALSHA afterwards, and EVAL again after NOSCRIPT (a restarted or flushed server).
 * Every call is bounded by `timeout` ms and fails at once, unsent, while the connection is down.
 *
 * @example
 * ```ts
 * const runner = new ScriptRunner(asScriptClient(redis), 500);
 * const fence = await runner.runParsed(ACQUIRE.get(''), ['lease'], [token, 10_000], parseAttempt);
 * ```
 */
export class ScriptRunner {
  readonly #client: ScriptClient;
  readonly #timeout: number;
  readonly #loaded = new Set<string>();
  /** The deadlines of the calls in flight, on the timers' clock (which fake timers fake too). */
  readonly #deadlines = new TimerQueue(() => performance.now());
  /** Once a connection was ready, a later `connecting` means it went down and is trying again. */
  #wasReady = false;
  /** Calls with `retry` refused while the connection was down, to send when it is ready again. */
  readonly #kept: KeptCalls;

  constructor(client: ScriptClient, timeout: number) {
    this.#client = client;
    this.#timeout = timeout;
    this.#kept = new KeptCalls(client, ({ script, keys, args, timeout: ms, who }) =>
      this.run(script, keys, args, ms, who, true),
    );
  }

  /**
   * Runs `script` with `keys` and `args`; rejects with `LockRedisError` on any failure. `timeout` (default:
   * the runner's) bounds the call, on the runner's deadline queue (no Node timer per call); a late answer is
   * absorbed, never an unhandled rejection. `who` names the server in the timeout message.
   *
   * `retry`, for a clean-up that must take effect also when the connection is down: such a call is refused at
   * once all the same, and sent again the next time the connection is ready. ioredis writes the commands it
   * re-sends after a reconnect (`autoResendUnfulfilledCommands`, on by default) before it emits `ready`, so an
   * unanswered acquire that it re-sends runs first in Redis and this clean-up undoes it. A client without
   * `once` (node-redis, which re-sends nothing; ioredis-mock) is not retried.
   */
  run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    timeout = this.#timeout,
    who = 'Redis',
    retry = false,
  ): Promise<unknown> {
    return this.#run(script, keys, args, timeout, who, retry, undefined);
  }

  /**
   * {@link run} with the runner's timeout, its answer read by `parse` (which may throw) before the promise
   * settles: one promise and one turn of the microtask queue fewer than `run(…).then(parse)`, on every acquire
   * and release.
   */
  runParsed<T>(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    parse: (reply: unknown) => T | PromiseLike<T>,
  ): Promise<T> {
    return this.#run(script, keys, args, this.#timeout, 'Redis', false, parse) as Promise<T>;
  }

  #run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    timeout: number,
    who: string,
    retry: boolean,
    parse: ((reply: unknown) => unknown) | undefined,
  ): Promise<unknown> {
    const status = this.#client.status;
    if (this.#isDown(status)) {
      if (retry && this.#client.once) this.#kept.keep({ script, keys, args, timeout, who });
      return Promise.reject(notConnectedError(script, status));
    }
    const call = new ScriptCall(this.#deadlines, script, keys, args, timeout, who, parse);
    try {
      if (this.#loaded.has(script.sha)) {
        evalsha(this.#client, script.sha, keys, args).then(
          (value: unknown) => call.answered(value),
          (error: unknown) => this.#reloadOrFail(call, error),
        );
      } else {
        this.#eval(script, keys, args).then(
          (value: unknown) => call.answered(value),
          (error: unknown) => call.failed(error),
        );
      }
    } catch (error) {
      call.failed(error); // a client that throws instead of rejecting
    }
    return call.promise;
  }

  /** A restarted or flushed server lost the script: load it again with EVAL, within the same deadline. */
  #reloadOrFail(call: ScriptCall, error: unknown): void {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) return call.failed(error);
    const { script, keys, args } = call;
    this.#loaded.delete(script.sha);
    this.#eval(script, keys, args).then(
      (value: unknown) => call.answered(value),
      (retried: unknown) => call.failed(retried),
    );
  }

  /** @internal Settles once the calls kept for `retry` were sent again and answered; for tests. */
  whenResent(): Promise<void> {
    return this.#kept.whenResent();
  }

  /** Whether a call now would find the connection down (and be refused); notes a ready connection. */
  #isDown(status: string | undefined): boolean {
    if (status === 'ready') this.#wasReady = true;
    return (
      status !== undefined &&
      status !== 'ready' &&
      (DOWN_STATES.has(status) || (this.#wasReady && RECONNECT_STATES.has(status)))
    );
  }

  /**
   * {@link run}, with a PING ahead of the script in the same write. Redis then answers this connection after
   * the messages its script publishes to others: it flushes the clients it owes replies last-in first-out, and
   * the PING's reply put this one in line before the script ran. So a waiter that a release wakes hears of it
   * before the releasing client hears back and makes its next move. Without a socket to cork (a Cluster,
   * ioredis-mock) or a ready connection, this is {@link run}.
   */
  runAfterPing(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const client = this.#client;
    const { stream } = client;
    if (!stream || !client.ping || client.status !== 'ready') return this.run(script, keys, args);
    stream.cork();
    try {
      client.ping().catch(ignore);
      return this.run(script, keys, args);
    } finally {
      stream.uncork();
    }
  }

  /** EVAL, which also loads the script into the server's cache: later calls send EVALSHA. */
  #eval(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.#client.eval(script.source, keys.length, ...keys, ...args).then((result) => {
      this.#loaded.add(script.sha);
      return result;
    });
  }
}

/**
 * `client.evalsha` with `keys` and `args` spread, written out for the shapes of an acquire (one key, token and
 * ttl) and a release (one key, token): a call with spread arguments builds an array of them first, one more on
 * every command.
 */
function evalsha(
  client: ScriptClient,
  sha: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  if (keys.length === 1) {
    const [key] = keys as [string];
    if (args.length === 2)
      return client.evalsha(sha, 1, key, args[0] as string | number, args[1] as string | number);
    if (args.length === 1) return client.evalsha(sha, 1, key, args[0] as string | number);
  }
  return client.evalsha(sha, keys.length, ...keys, ...args);
}

function ignore(): void {}
