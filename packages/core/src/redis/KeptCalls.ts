import type { ScriptClient } from './RedisClient.js';
import type { Script } from './Script.js';

/** Most clean-ups kept for a connection to come back; beyond, the oldest is dropped (bounded memory). */
const MAX_RETRIES_KEPT = 1_024;

/**
 * One call of `ScriptRunner.run` with `retry`, refused while the connection was down, kept until it is ready.
 *
 * @example
 * ```ts
 * const call: KeptCall = { script: RELEASE.get(''), keys: ['k'], args: [token], timeout: 500, who: 'Redis' };
 * ```
 */
export interface KeptCall {
  readonly script: Script;
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
  readonly timeout: number;
  readonly who: string;
}

/**
 * The clean-ups (`ScriptRunner.run` with `retry`) refused while a connection was down, sent again by `send`
 * the next time the client emits `ready` (at most 1 024 kept; beyond, the oldest is dropped).
 *
 * @example
 * ```ts
 * const kept = new KeptCalls(client, (call) => runner.run(call.script, call.keys, call.args, call.timeout, call.who, true));
 * kept.keep({ script, keys, args, timeout: 500, who: 'Redis' });
 * await kept.whenResent();
 * ```
 */
export class KeptCalls {
  readonly #client: ScriptClient;
  readonly #send: (call: KeptCall) => Promise<unknown>;
  readonly #kept: KeptCall[] = [];
  /** Settles once the kept calls were sent again and answered (or failed). */
  #resent: Promise<void> = Promise.resolve();
  #resentDone: (() => void) | undefined;

  constructor(client: ScriptClient, send: (call: KeptCall) => Promise<unknown>) {
    this.#client = client;
    this.#send = send;
  }

  /** Keeps `call` for the next `ready`. */
  keep(call: KeptCall): void {
    if (this.#kept.length === 0) {
      this.#resent = new Promise((resolve) => (this.#resentDone = resolve));
      this.#client.once?.('ready', () => this.#sendKept());
    }
    this.#kept.push(call);
    if (this.#kept.length > MAX_RETRIES_KEPT) this.#kept.shift();
  }

  /** Settles once the kept calls were sent again and answered. */
  whenResent(): Promise<void> {
    return this.#resent;
  }

  /** Sends the kept calls again (each is kept once more if the connection went down again meanwhile). */
  #sendKept(): void {
    const calls = this.#kept.splice(0);
    const done = this.#resentDone;
    void Promise.allSettled(calls.map(this.#send)).then(() => done?.());
  }
}
