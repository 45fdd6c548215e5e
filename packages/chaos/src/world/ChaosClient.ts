import type { LockClient, LockHandle } from '../adapter/LockAdapter.js';
import type { ConnectionFaults } from '../backend/FaultyConnection.js';
import type { FaultEvent } from '../history/events.js';
import type { History } from '../history/History.js';
import type { ClientClock } from './ClientClock.js';
import type { FencedResource, PlainResource } from './Resources.js';

/** What every client of a run shares. */
export interface ClientEnv {
  readonly history: History;
  readonly key: string;
  readonly leaseKey: string;
  readonly ttl: number;
  readonly bounds: 'within' | 'beyond';
  readonly isBusy: (error: unknown) => boolean;
  readonly plain: PlainResource;
  readonly fenced: FencedResource;
  /** The owner token on the lease key as the server holds it now (sync on the mock, a round trip on real Redis). */
  readonly observer: { owner(leaseKey: string): string | null | Promise<string | null> };
  /** Real time a within-bounds stall leaves before the validity ends, for scheduling slack (ms). Default `0`. */
  readonly stallMargin?: number;
}

/** A client's way to Redis as the harness controls it: its fault state, and (real Redis) a connection reset. */
export interface ClientConnection {
  readonly faults: ConnectionFaults;
  /** Cuts every connection of the client at once (they reconnect). */
  reset?(): void;
  disconnect(): void;
  /** Pauses the client for `ms` (real Redis: a SIGSTOP when it runs in a child process, else a partition). */
  suspend?(ms: number): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One simulated client: its lock client, connection and clock, what it holds, and the operations the schedule
 * drives (acquire, release, extend, work on the resources, crash). Every operation is recorded. Clients of one
 * process (`clientsPerProcess`) share its lock client, connection and clock, and suffer its faults together.
 */
export class ChaosClient {
  held: LockHandle | undefined;
  #acquiring = false;
  #working = false;
  /** The clients of this client's process, itself included (in client order). */
  readonly process: readonly ChaosClient[];

  /** @param process - the members of its process so far, shared by them; this client joins it. */
  constructor(
    readonly id: number,
    readonly connection: ClientConnection,
    readonly clock: ClientClock,
    readonly lock: LockClient,
    readonly env: ClientEnv,
    process: ChaosClient[] = [],
  ) {
    process.push(this);
    this.process = process;
  }

  /** Records a fault that hit this client's process, once for each of its clients. */
  fault(fault: Omit<FaultEvent, 'type' | 't' | 'client'>): void {
    for (const member of this.process) this.env.history.fault({ ...fault, client: member.id });
  }

  get crashed(): boolean {
    return this.connection.faults.crashed;
  }

  /** Whether this client believes it holds the lock now. */
  believes(): boolean {
    const h = this.held;
    if (!h || this.crashed || h.signal?.aborted === true) return false;
    return h.remaining === undefined || h.remaining() > 0;
  }

  /** Starts an acquire (no-op while holding or acquiring). */
  acquire(wait: number): void {
    if (this.crashed || this.held || this.#acquiring) return;
    this.#acquiring = true;
    const { history, key, ttl } = this.env;
    const op = history.invoke(this.id, 'acquire', key, { ttl, wait });
    this.lock.acquire(key, { ttl, wait }).then(
      (handle) => {
        this.#acquiring = false;
        if (this.crashed) return;
        if (!handle) return history.complete(op, 'fail');
        this.held = handle;
        const remaining = handle.remaining?.();
        history.complete(op, 'ok', {
          token: handle.token,
          ...(handle.fence === undefined ? {} : { fence: handle.fence }),
          ...(remaining === undefined ? {} : { remaining }),
        });
        handle.signal?.addEventListener('abort', () => {
          if (this.crashed) return;
          const reason = (handle.signal?.reason as { reason?: string } | undefined)?.reason;
          history.record({
            type: 'loss',
            client: this.id,
            token: handle.token,
            reason: reason ?? 'aborted',
          });
        });
      },
      (error: unknown) => {
        this.#acquiring = false;
        if (this.crashed) return;
        history.complete(op, this.env.isBusy(error) ? 'fail' : 'unknown', { error: String(error) });
      },
    );
  }

  /** Releases what it holds; belief ends at the invocation. A client busy with its work finishes it first. */
  release(): void {
    const held = this.held;
    if (!held || this.crashed || this.#working) return;
    this.held = undefined;
    const op = this.env.history.invoke(this.id, 'release', this.env.key, {
      ttl: this.env.ttl,
      token: held.token,
    });
    this.#settle(op, held.release());
  }

  /** Extends what it holds. */
  extend(): void {
    const held = this.held;
    if (!held || this.crashed) return;
    const op = this.env.history.invoke(this.id, 'extend', this.env.key, {
      ttl: this.env.ttl,
      token: held.token,
    });
    this.#settle(op, held.extend());
  }

  /**
   * One unit of work: read both resources, think for `think` ms, check it still holds the lock, then (after a stall
   * of `stall` ms: a GC pause right after the check) write both. Within the bounds, a client stalls only when the
   * validity it was promised covers the stall.
   */
  async work(think: number, stall: number): Promise<void> {
    const held = this.held;
    if (!held || this.crashed || this.#working) return;
    this.#working = true;
    try {
      const { plain, fenced, history } = this.env;
      const tRead = history.now();
      const read = plain.read();
      const fence = held.fence;
      const readFenced = fence === undefined ? undefined : fenced.readFenced(fence);
      if (think > 0) await sleep(think);
      if (this.held !== held || !this.believes()) return;
      await this.#stall(held, stall);
      if (this.crashed) return;
      const seen = this.env.observer.owner(this.env.leaseKey);
      const remote = seen instanceof Promise;
      const owner = remote ? await seen : seen;
      // On real Redis the owner read takes a round trip: without a stall, the check is taken after it.
      if (this.crashed || (remote && stall <= 0 && !this.believes())) return;
      const base = { client: this.id, token: held.token, tRead, owner, accepted: true };
      const wrote = plain.write(read + 1, this.id);
      history.record({
        type: 'write',
        resource: 'plain',
        read,
        ...base,
        ...defined(wrote),
        ...(fence === undefined ? {} : { fence }),
      });
      if (fence !== undefined && readFenced !== undefined) {
        const f = fenced.writeFenced(readFenced + 1, fence, this.id);
        history.record({
          type: 'write',
          resource: 'fenced',
          read: readFenced,
          ...base,
          ...defined(f),
          fence,
        });
      }
    } finally {
      this.#working = false;
    }
  }

  /**
   * The process dies, with every client in it: nothing more reaches Redis, its timers stop, its pending
   * operations stay unknown.
   */
  crash(): void {
    if (this.crashed) return;
    this.connection.faults.crashed = true;
    this.fault({ kind: 'crash', beyond: false });
    for (const member of this.process) member.held = undefined;
    this.lock.close().catch(() => {});
  }

  async #stall(held: LockHandle, stall: number): Promise<void> {
    if (stall <= 0) return;
    const remaining = held.remaining?.();
    // `remaining` is in the client's clock units; the stall is real time, as the client's clock measures it.
    const beyond =
      remaining === undefined || stall * this.clock.rate >= remaining - (this.env.stallMargin ?? 0);
    if (beyond && this.env.bounds === 'within') return;
    // The process stalls: every client in it with this one.
    this.fault({ kind: 'stall', duration: stall, beyond });
    const { connection } = this;
    if (connection.suspend) connection.suspend(stall);
    else connection.faults.pausedUntil = Math.max(connection.faults.pausedUntil, Date.now() + stall);
    await sleep(stall);
  }

  #settle(op: ReturnType<History['invoke']>, promise: Promise<unknown>): void {
    promise.then(
      () => {
        if (!this.crashed) this.env.history.complete(op, 'ok');
      },
      (error: unknown) => {
        if (this.crashed) return;
        const lost = (error as { code?: unknown }).code === 'ERR_LOCK_LOST';
        this.env.history.complete(op, lost ? 'fail' : 'unknown', { error: String(error) });
      },
    );
  }
}

function defined(w: { before: number; lastWriter: number | undefined; accepted?: boolean }): {
  before: number;
  lastWriter?: number;
  accepted?: boolean;
} {
  const { lastWriter, ...rest } = w;
  return lastWriter === undefined ? rest : { ...rest, lastWriter };
}
