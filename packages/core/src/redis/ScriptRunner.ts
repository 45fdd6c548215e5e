import { createHash } from 'node:crypto';
import { LockRedisError } from '../errors/LockRedisError.js';
import { TimerQueue } from '../TimerQueue.js';
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

  constructor(client: ScriptClient, timeout: number) {
    this.#client = client;
    this.#timeout = timeout;
  }

  /**
   * Runs `script` with `keys` and `args`; rejects with `LockRedisError` on any failure. `timeout` (default:
   * the runner's) bounds the call, on the runner's deadline queue (no Node timer per call); a late answer is
   * absorbed, never an unhandled rejection. `who` names the server in the timeout message.
   */
  run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    timeout = this.#timeout,
    who = 'Redis',
  ): Promise<unknown> {
    const status = this.#client.status;
    if (status === 'ready') this.#wasReady = true;
    else if (
      status !== undefined &&
      (DOWN_STATES.has(status) || (this.#wasReady && RECONNECT_STATES.has(status)))
    ) {
      return Promise.reject(
        new LockRedisError(`Redis is not connected (connection ${status}); ${script.name} was not sent`),
      );
    }
    return new Promise((resolve, reject) => {
      const deadlines = this.#deadlines;
      const deadline = deadlines.add(deadlines.now() + timeout, () =>
        reject(timeoutError(script, timeout, who)),
      );
      const answered = (value: unknown): void => {
        deadlines.cancel(deadline);
        resolve(value);
      };
      const failed = (error: unknown): void => {
        deadlines.cancel(deadline);
        reject(redisError(script, error));
      };
      try {
        if (this.#loaded.has(script.sha)) {
          this.#client.evalsha(script.sha, keys.length, ...keys, ...args).then(answered, (error: unknown) => {
            // A restarted or flushed server lost the script: load it again with EVAL, within the same deadline.
            if (!String((error as Error).message).startsWith('NOSCRIPT')) return failed(error);
            this.#loaded.delete(script.sha);
            this.#eval(script, keys, args).then(answered, failed);
          });
        } else this.#eval(script, keys, args).then(answered, failed);
      } catch (error) {
        failed(error); // a client that throws instead of rejecting
      }
    });
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

function ignore(): void {}

function redisError(script: Script, error: unknown): LockRedisError {
  if (error instanceof LockRedisError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LockRedisError(`Redis ${script.name} failed: ${message}`, { cause: error });
}

function timeoutError(script: Script, ms: number, who: string): LockRedisError {
  return new LockRedisError(`${who} did not answer ${script.name} within ${ms} ms`);
}
