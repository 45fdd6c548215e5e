import { createHash } from 'node:crypto';
import { LockRedisError } from '../errors/LockRedisError.js';
import { TimerQueue } from '../TimerQueue.js';
import type { ScriptClient } from './RedisClient.js';
import { withTimeout } from './withTimeout.js';

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
   * the runner's) bounds the call; `who` names the server in the timeout message.
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
    if (
      status !== undefined &&
      (DOWN_STATES.has(status) || (this.#wasReady && RECONNECT_STATES.has(status)))
    ) {
      return Promise.reject(
        new LockRedisError(`Redis is not connected (connection ${status}); ${script.name} was not sent`),
      );
    }
    return withTimeout(this.#send(script, keys, args), this.#deadlines, timeout, () =>
      timeoutError(script, timeout, who),
    );
  }

  /** EVALSHA when this connection has run the script before, else EVAL; errors become `LockRedisError`. */
  #send(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (!this.#loaded.has(script.sha)) return this.#eval(script, keys, args);
    return this.#client
      .evalsha(script.sha, keys.length, ...keys, ...args)
      .then(undefined, (error: unknown) => {
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw redisError(script, error);
        this.#loaded.delete(script.sha);
        return this.#eval(script, keys, args);
      });
  }

  #eval(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.#client.eval(script.source, keys.length, ...keys, ...args).then(
      (result) => {
        this.#loaded.add(script.sha);
        return result;
      },
      (error: unknown) => {
        throw redisError(script, error);
      },
    );
  }
}

function redisError(script: Script, error: unknown): LockRedisError {
  if (error instanceof LockRedisError) return error;
  return new LockRedisError(`Redis ${script.name} failed: ${(error as Error).message}`, { cause: error });
}

function timeoutError(script: Script, ms: number, who: string): LockRedisError {
  return new LockRedisError(`${who} did not answer ${script.name} within ${ms} ms`);
}
