import { createHash } from 'node:crypto';
import { LockRedisError } from '../errors/LockRedisError.js';
import { TimerQueue, type QueuedTimer } from '../lease/TimerQueue.js';
import type { ScriptClient } from './RedisClient.js';

/** A Lua script with its SHA1, ready for EVALSHA. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/** Builds a {@link Script} from its Lua source. */
export function defineScript(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Scripts that differ only in flags written into their source; see {@link defineScriptFamily}. */
export interface ScriptFamily {
  readonly name: string;
  /** Every variant, one per flag spelling. */
  readonly variants: readonly Script[];
  /** The variant for `flags`. @throws for a spelling the family was not defined with. */
  get(flags: string): Script;
}

/**
 * Scripts that differ only in flags written into their source, so a call sends no flags argument (every ARGV
 * element costs the server a Lua string and a table slot per call). Every variant is built here, from the
 * given spellings (lower-case letters, never user data): all of them are constants.
 */
export function defineScriptFamily(
  name: string,
  spellings: readonly string[],
  source: (flags: string) => string,
): ScriptFamily {
  const scripts = new Map<string, Script>();
  for (const flags of spellings) {
    if (!/^[a-z]*$/.test(flags)) throw new Error(`Script flags must be lower-case letters, got ${flags}`);
    scripts.set(flags, defineScript(flags === '' ? name : `${name} (${flags})`, source(flags)));
  }
  return {
    name,
    variants: [...scripts.values()],
    get(flags) {
      const script = scripts.get(flags);
      if (!script) throw new Error(`${name} has no variant for the flags "${flags}"`);
      return script;
    },
  };
}

/** Connection states in which ioredis would park a command in its offline queue instead of sending it. */
const DOWN_STATES = new Set(['reconnecting', 'close', 'end']);
/** States of a first connection, or of a reconnection once the connection had been ready. */
const RECONNECT_STATES = new Set(['connecting', 'connect']);
/** Most clean-ups kept for a connection to come back; beyond, the oldest is dropped (bounded memory). */
const MAX_RETRIES_KEPT = 1_024;

/** One call of `ScriptRunner.run` with `retry`, kept until the connection is ready again. */
interface KeptCall {
  readonly script: Script;
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
  readonly timeout: number;
  readonly who: string;
}

/**
 * Runs scripts on one connection in exactly one round trip: EVAL the first time (which also loads the script
 * into that server's cache), EVALSHA afterwards, and EVAL again after NOSCRIPT (a restarted or flushed server).
 * Every call is bounded by `timeout` ms and fails at once, unsent, while the connection is down.
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
  readonly #kept: KeptCall[] = [];
  /** Settles once the kept calls were sent again and answered (or failed). */
  #resent: Promise<void> = Promise.resolve();
  #resentDone: (() => void) | undefined;

  constructor(client: ScriptClient, timeout: number) {
    this.#client = client;
    this.#timeout = timeout;
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
      if (retry && this.#client.once) this.#keep({ script, keys, args, timeout, who });
      return Promise.reject(
        new LockRedisError(`Redis is not connected (connection ${status}); ${script.name} was not sent`),
      );
    }
    const call = new ScriptCall(this.#deadlines, script, keys, args, timeout, who, parse);
    try {
      if (this.#loaded.has(script.sha)) {
        this.#client.evalsha(script.sha, keys.length, ...keys, ...args).then(
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
    return this.#resent;
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

  #keep(call: KeptCall): void {
    if (this.#kept.length === 0) {
      this.#resent = new Promise((resolve) => (this.#resentDone = resolve));
      this.#client.once?.('ready', () => this.#sendKept());
    }
    this.#kept.push(call);
    if (this.#kept.length > MAX_RETRIES_KEPT) this.#kept.shift();
  }

  /** Sends the kept calls again (each is kept once more if the connection went down again meanwhile). */
  #sendKept(): void {
    const calls = this.#kept.splice(0);
    const done = this.#resentDone;
    const sent = calls.map(({ script, keys, args, timeout, who }) =>
      this.run(script, keys, args, timeout, who, true),
    );
    void Promise.allSettled(sent).then(() => done?.());
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

/** Set by {@link captureSettlers}, read at once by the {@link ScriptCall} whose promise it was given to. */
let capturedResolve: (value: unknown) => void = ignore;
let capturedReject: (reason: unknown) => void = ignore;

/** A promise executor that closes over nothing: the settlers go to the two variables above. */
function captureSettlers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * One {@link ScriptRunner.run} in flight: its promise, settled once by the answer, the failure or the deadline.
 * One object per call (the deadline runs `expire` on it), so a call allocates no closures for its settlement.
 */
class ScriptCall {
  readonly promise: Promise<unknown>;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (reason: unknown) => void;
  readonly #deadlines: TimerQueue;
  readonly #deadline: QueuedTimer;
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
    this.#deadline = deadlines.add(deadlines.now() + timeout, ScriptCall.#expire, this);
  }

  answered(value: unknown): void {
    this.#deadlines.cancel(this.#deadline);
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

  failed(error: unknown): void {
    this.#deadlines.cancel(this.#deadline);
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

function redisError(script: Script, error: unknown): LockRedisError {
  if (error instanceof LockRedisError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LockRedisError(`Redis ${script.name} failed: ${message}`, { cause: error });
}

function timeoutError(script: Script, ms: number, who: string): LockRedisError {
  return new LockRedisError(`${who} did not answer ${script.name} within ${ms} ms`);
}
