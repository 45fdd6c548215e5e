import type { Redis } from 'ioredis';
import type { Scheduler } from 'fast-check';
import { noFaults, type ConnectionFaults } from '../world/ConnectionFaults.js';
import { mockCommand } from './internals.js';
import type { ProcessFreeze } from './ProcessFreeze.js';

/** Commands routed through the fault injector; anything else goes straight to the mock. */
const WRAPPED = new Set([
  'eval',
  'evalsha',
  'set',
  'get',
  'del',
  'pexpire',
  'expire',
  'pttl',
  'incr',
  'exists',
  'publish',
  'spublish',
]);

/** Error of a command failed by the fault injector. */
export class InjectedFaultError extends Error {
  override readonly name = 'InjectedFaultError';
}

/**
 * One client's connection: a proxy around its own ioredis-mock instance (sharing the store) that lets the fast-check
 * scheduler pick the order in which commands reach the server, and that fails, delays, holds or drops them
 * according to {@link ConnectionFaults}.
 *
 * @example
 * ```ts
 * const conn = new FaultyConnection(mock.duplicate(), scheduler, () => observer.afterCommand(0))
 * conn.faults.dropReplies = 1
 * createLocker(conn.redis)
 * ```
 */
export class FaultyConnection {
  readonly faults: ConnectionFaults = noFaults();
  /** The client's view of Redis (of the first master, on a quorum). */
  readonly redis: Redis;
  /** The client's view of each master, in order (one, unless the world has a quorum of masters). */
  readonly masters: readonly Redis[];
  /**
   * For each master, how many of this connection's commands reached it after a command sent later had (the
   * scheduler's order, which no single Redis connection allows): what such an overtaken command did is not the
   * lock's doing (see `checkCleanGiveUp`).
   */
  readonly overtaken: number[];
  /** For each master, how many commands were sent to it, and the latest send number applied. */
  readonly #sent: number[];
  readonly #latestApplied: number[];
  readonly #mocks: readonly Redis[];
  readonly #scheduler: Scheduler;
  readonly #applied: () => void;
  readonly #duplicates: Redis[] = [];
  /** The client process's event loop, when the run can freeze it (`waiterStall`). */
  readonly #loop: ProcessFreeze | undefined;
  /** Until when (reference ms) master `node` holds every command that reaches it (`redisStall` on the mock). */
  readonly #stalledUntil: (node: number) => number;

  /**
   * @param mock - the client's own mock instance, or one per master of a quorum (each with its own store); every
   *   master's commands pass through the same fault state.
   * @param loop - the client process's event loop, when the run freezes processes (`waiterStall`).
   * @param stalledUntil - until when master `node` is stopped (`redisStall`): its commands wait. Default: never.
   */
  constructor(
    mock: Redis | readonly Redis[],
    scheduler: Scheduler,
    applied: () => void,
    loop?: ProcessFreeze,
    stalledUntil: (node: number) => number = () => 0,
  ) {
    this.#loop = loop;
    this.#stalledUntil = stalledUntil;
    this.#mocks = Array.isArray(mock) ? mock : [mock as Redis];
    this.overtaken = this.#mocks.map(() => 0);
    this.#sent = this.#mocks.map(() => 0);
    this.#latestApplied = this.#mocks.map(() => 0);
    this.#scheduler = scheduler;
    this.#applied = applied;
    this.masters = this.#mocks.map(
      (mock, node) =>
        new Proxy(mock, {
          get: (target, prop) => {
            if (typeof prop === 'string' && WRAPPED.has(prop)) {
              return (...args: unknown[]) => this.#send(node, prop, args);
            }
            if (prop === 'duplicate') return () => this.#subscriber(target.duplicate());
            return this.#passThrough(target, prop);
          },
        }),
    );
    const [first] = this.masters;
    if (!first) throw new RangeError('FaultyConnection: no mock instance');
    this.redis = first;
  }

  /**
   * A duplicate (deadbolt makes one to subscribe to wake-ups): shares the store and this client's fault state;
   * its pub/sub messages are dropped while a lost wake-up fault runs or after a crash.
   */
  #subscriber(duplicate: Redis): Redis {
    this.#duplicates.push(duplicate);
    return new Proxy(duplicate, {
      get: (target, prop) => {
        if (prop === 'on' || prop === 'addListener' || prop === 'once') {
          return (event: string, listener: (...args: unknown[]) => void) => {
            target.on(event, (...args: unknown[]) => {
              const wakeUp = event === 'message' || event === 'smessage';
              if (this.faults.crashed || (wakeUp && Date.now() < this.faults.lostWakeupUntil)) return;
              this.#read(() => listener(...args));
            });
            return target;
          };
        }
        return this.#passThrough(target, prop);
      },
    });
  }

  #passThrough(target: Redis, prop: string | symbol): unknown {
    const value: unknown = Reflect.get(target, prop);
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  }

  /** Closes the underlying mock instance. */
  disconnect(): void {
    for (const mock of this.#mocks) mock.disconnect();
    for (const duplicate of this.#duplicates) duplicate.disconnect();
  }

  #send(node: number, name: string, args: unknown[]): Promise<unknown> {
    const seq = (this.#sent[node] = (this.#sent[node] ?? 0) + 1);
    return new Promise((resolve, reject) => {
      void this.#scheduler
        .schedule(Promise.resolve(), name)
        .then(() => this.#arrive(node, name, args, resolve, reject, seq));
    });
  }

  #arrive(
    node: number,
    name: string,
    args: unknown[],
    resolve: (v: unknown) => void,
    reject: (e: Error) => void,
    seq: number,
  ): void {
    const f = this.faults;
    if (f.crashed) return;
    const until = Math.max(f.pausedUntil, this.#stalledUntil(node));
    if (Date.now() < until) {
      setTimeout(() => this.#arrive(node, name, args, resolve, reject, seq), until - Date.now());
      return;
    }
    if (Date.now() < f.failUntil) {
      reject(new InjectedFaultError(`chaos: ${name} failed (injected connection error)`));
      return;
    }
    if (seq < (this.#latestApplied[node] ?? 0)) this.overtaken[node] = (this.overtaken[node] ?? 0) + 1;
    else this.#latestApplied[node] = seq;
    const mock = this.#mocks[node] as Redis;
    let reply: Promise<unknown>;
    try {
      const command = mockCommand(mock, name);
      reply = command ? command.apply(mock, args) : Promise.reject(new Error(`unknown command ${name}`));
    } catch (error) {
      reply = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.#applied();
    if (f.dropReplies > 0) {
      f.dropReplies -= 1;
      reply.catch(() => {});
      return;
    }
    const delay = Date.now() < f.latencyUntil ? f.latencyMs : 0;
    reply.then(
      (value) => this.#deliver(delay, () => resolve(value)),
      (error: Error) => this.#deliver(delay, () => reject(error)),
    );
  }

  #deliver(delay: number, settle: () => void): void {
    if (this.faults.crashed) return;
    if (delay > 0) {
      setTimeout(() => this.#deliver(0, settle), delay);
    } else if (Date.now() < this.faults.pausedUntil) {
      setTimeout(() => this.#deliver(0, settle), this.faults.pausedUntil - Date.now());
    } else {
      this.#read(settle);
    }
  }

  /** Hands a socket read to the client process: at once, or when a frozen process thaws. */
  #read(deliver: () => void): void {
    if (!this.#loop) return deliver();
    this.#loop.read(() => {
      if (!this.faults.crashed) deliver();
    });
  }

  /** Freezes the client process for `ms` (`waiterStall`): its timers and reads wait. */
  freeze(ms: number): void {
    this.#loop?.freeze(ms);
  }

  /** Whether the client process is frozen now. */
  get frozen(): boolean {
    return this.#loop?.frozen ?? false;
  }

  /** Runs the client's code in its process (its timers then belong to it). */
  runAs<T>(fn: () => T): T {
    return this.#loop ? this.#loop.run(fn) : fn();
  }
}
