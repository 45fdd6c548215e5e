import type { LockClient, LockHandle } from '../adapter/LockAdapter.js';
import type { ConnectionFaults } from '../world/ConnectionFaults.js';
import type { FaultEvent, LeftEntry, WriteEvent } from '../history/events.js';
import type { History } from '../history/History.js';
import type { ClientClock } from './ClientClock.js';
import type { FencedResource, PlainResource } from './Resources.js';

/** What every client of a run shares. */
export interface ClientEnv {
  readonly history: History;
  readonly key: string;
  readonly leaseKey: string;
  readonly ttl: number;
  /** Permits of the key every acquire asks for (`ChaosOptions.limit`); 1 = the mutex. Default `1`. */
  readonly limit?: number;
  readonly bounds: 'within' | 'beyond';
  readonly isBusy: (error: unknown) => boolean;
  readonly plain: PlainResource;
  readonly fenced: FencedResource;
  /** The owner token on the lease key as the server holds it now (sync on the mock, a round trip on real Redis). */
  readonly observer: { owner(leaseKey: string): string | null | Promise<string | null> };
  /**
   * Mock backend: the entries (on every master) whose token the process of client `by` first put there at or after
   * `since`, read synchronously (see `TokenEntries`). Default: not observed (real Redis).
   */
  readonly entries?: { left(by: number, since: number): LeftEntry[] };
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
  /**
   * Freezes the client's whole process for `ms` (`waiterStall`): none of its timers fire and none of its socket
   * reads are delivered until it thaws. Mock: on virtual time; real Redis: a SIGSTOP of its child process, or a
   * synchronous block of this (the harness's) event loop for inline clients.
   */
  freeze?(ms: number): void;
  /** Whether {@link freeze} blocks the harness itself (inline on real Redis): it must then come last. */
  readonly freezeBlocksHarness?: boolean;
  /** Whether the process is frozen now: it starts nothing. */
  readonly frozen?: boolean;
  /**
   * Mock: for each master, how many commands reached it overtaken by one sent later (see `FaultyConnection`).
   * Default: never (real Redis keeps a connection's order).
   */
  readonly overtaken?: readonly number[];
  /** Runs the client's code as its process's (mock: so that the timers it sets freeze with it). */
  runAs?<T>(fn: () => T): T;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One simulated client: its lock client, connection and clock, what it holds, and the operations the schedule
 * drives (acquire, release, extend, work on the resources, crash). Every operation is recorded. Clients of one
 * process (`clientsPerProcess`) share its lock client, connection and clock, and suffer its faults together.
 */
export class ChaosClient {
  held: LockHandle | undefined;
  /** Whether what it holds is a read share. */
  heldShared = false;
  #acquiring = false;
  /** When its acquire in flight began (reference ms), if one is. */
  #acquiringSince: number | undefined;
  #working = false;
  /** A second lock its lock client takes beside the run's key (`sideLock`): not in the history, released with it. */
  #beside: Promise<LockHandle | null> | undefined;
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

  /** Crashed, or frozen (a stopped process starts nothing). */
  get #stopped(): boolean {
    return this.crashed || this.connection.frozen === true;
  }

  /** When its acquire in flight began (reference ms), or `undefined` when none is. */
  get acquiringSince(): number | undefined {
    return this.#acquiring ? this.#acquiringSince : undefined;
  }

  /**
   * `waiterStall`: freezes this client's whole process for `ms` while its acquire waits (its timers and socket
   * reads wait; the lock's answer comes after the thaw); says whether it did. Within the bounds the stall is
   * skipped when another client of the process holds a lock whose validity it would outlast.
   */
  freezeWhileWaiting(ms: number): boolean {
    const { connection } = this;
    if (this.#stopped || !this.#acquiring || !connection.freeze) return false;
    const beyond = this.process.some((m) => m.held !== undefined && m.#outlasts(m.held, ms));
    if (beyond && this.env.bounds === 'within') return false;
    this.fault({ kind: 'waiterStall', duration: ms, beyond });
    // Inline on real Redis the block stops every client of the harness: a host stall, as the harness records one.
    const { history } = this.env;
    if (connection.freezeBlocksHarness === true)
      history.push({ type: 'fault', kind: 'hostStall', t: history.now(), duration: ms, beyond: false });
    connection.freeze(ms);
    return true;
  }

  /** Whether a stall of `ms` (real time) outlasts the validity `held` has left, less the stall margin. */
  #outlasts(held: LockHandle, ms: number): boolean {
    const remaining = held.remaining?.();
    // `remaining` is in the client's clock units; the stall is real time, as the client's clock measures it.
    return remaining === undefined || ms * this.clock.rate >= remaining - (this.env.stallMargin ?? 0);
  }

  /** Runs the client's code in its process. */
  #as<T>(fn: () => T): T {
    return this.connection.runAs ? this.connection.runAs(fn) : fn();
  }

  /** Whether this client believes it holds the lock now. */
  believes(): boolean {
    const h = this.held;
    if (!h || this.crashed || h.signal?.aborted === true) return false;
    return h.remaining === undefined || h.remaining() > 0;
  }

  /**
   * Whether this client holds a lock that claims no validity left while its loss signal has not fired (a lock with
   * both a signal and `remaining`; crashed clients hold nothing).
   */
  unsignalled(): boolean {
    const h = this.held;
    if (!h?.signal || !h.remaining || this.crashed) return false;
    return !h.signal.aborted && h.remaining() <= 0;
  }

  /**
   * Starts an acquire (no-op while holding or acquiring). With `alsoKeys` (a `multiKey` lock) it locks them together
   * with the run's key, under one token and fence; the history records it as an acquire of the run's key. Every
   * acquire asks for one of the run's `limit` permits (when above 1); `shared` asks for a read share.
   */
  acquire(wait: number, alsoKeys: readonly string[] = [], onGrant?: () => void, shared = false): void {
    if (this.#stopped || this.held || this.#acquiring) return;
    this.#acquiring = true;
    const { history, key, ttl } = this.env;
    this.#acquiringSince = history.now();
    const overtaken = [...(this.connection.overtaken ?? [])];
    const limit = this.env.limit ?? 1;
    const options = { ttl, wait, ...(limit > 1 ? { limit } : {}), ...(shared ? { shared } : {}) };
    const { lock } = this;
    const several = alsoKeys.length > 0 && lock.acquireAll !== undefined;
    const op = history.invoke(this.id, 'acquire', key, {
      ttl,
      wait,
      ...(several ? { keys: 1 + alsoKeys.length } : {}),
      ...(shared ? { shared: true as const } : {}),
    });
    this.#as(() =>
      several && lock.acquireAll ? lock.acquireAll([key, ...alsoKeys], options) : lock.acquire(key, options),
    ).then(
      (handle) => {
        this.#acquiring = false;
        if (this.crashed) return;
        if (!handle) {
          // Read before anything else runs: what the stores hold at the instant the acquire returned no lock.
          const left = this.#left(op.tInv, overtaken);
          this.#releaseBeside();
          return history.complete(op, 'fail', left);
        }
        this.held = handle;
        this.heldShared = shared;
        const remaining = handle.remaining?.();
        history.complete(op, 'ok', {
          token: handle.token,
          ...(handle.fence === undefined ? {} : { fence: handle.fence }),
          ...(remaining === undefined ? {} : { remaining }),
        });
        onGrant?.();
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
        const left = this.#left(op.tInv, overtaken);
        this.#releaseBeside();
        history.complete(op, this.env.isBusy(error) ? 'fail' : 'unknown', { error: String(error), ...left });
      },
    );
  }

  /**
   * What of an acquire begun at `since` the stores hold now (mock backend; nothing when not observed), but on a
   * master where one of the process's commands arrived overtaken since then (`before`: the counts at the start):
   * an entry there may be an earlier command's that the harness, not the lock, let arrive after the clean-up.
   */
  #left(since: number, before: readonly number[]): { left?: LeftEntry[] } {
    const by = this.process[0]?.id ?? this.id;
    const now = this.connection.overtaken ?? [];
    const left = this.env.entries
      ?.left(by, since)
      .filter((e) => (now[e.node] ?? 0) === (before[e.node] ?? 0));
    return left === undefined || left.length === 0 ? {} : { left };
  }

  /**
   * `sideLock`: starts an acquire of the run's key (as {@link acquire}) and, at the same moment, one attempt of its
   * lock client at `key` alone, with the same ttl and mode: it then holds two locks that renew together. No-op while
   * holding or acquiring.
   */
  acquireBeside(wait: number, key: string): void {
    if (this.#stopped || this.held || this.#acquiring || this.#beside) return;
    const { ttl } = this.env;
    const limit = this.env.limit ?? 1;
    const { lock } = this;
    this.#beside = this.#as(() => lock.acquire(key, { ttl, wait: 0, ...(limit > 1 ? { limit } : {}) })).catch(
      () => null,
    );
    this.acquire(wait);
    if (!this.#acquiring) this.#releaseBeside();
  }

  /** Releases the second lock, if it holds one (not recorded: it is not the run's key). */
  #releaseBeside(): void {
    const beside = this.#beside;
    this.#beside = undefined;
    void beside
      ?.then((handle) => (handle && !this.crashed ? this.#as(() => handle.release()) : undefined))
      .catch(() => {});
  }

  /** Releases what it holds; belief ends at the invocation. A client busy with its work finishes it first. */
  release(): void {
    const held = this.held;
    if (!held || this.#stopped || this.#working) return;
    this.held = undefined;
    const op = this.env.history.invoke(this.id, 'release', this.env.key, {
      ttl: this.env.ttl,
      token: held.token,
    });
    this.#settle(
      op,
      this.#as(() => held.release()),
    );
    this.#releaseBeside();
  }

  /** Extends what it holds. */
  extend(): void {
    const held = this.held;
    if (!held || this.#stopped) return;
    const op = this.env.history.invoke(this.id, 'extend', this.env.key, {
      ttl: this.env.ttl,
      token: held.token,
    });
    this.#settle(
      op,
      this.#as(() => held.extend()),
    );
  }

  /**
   * One unit of work: read both resources, think for `think` ms, check it still holds the lock, then (after a stall
   * of `stall` ms: a GC pause right after the check) write both. Within the bounds, a client stalls only when the
   * validity it was promised covers the stall. The harness's own owner read never sits between the check and the
   * write: without a stall the owner is read first and the check taken right before the write; after a stall the
   * client writes at once and the read (a round trip on real Redis) judges the write only if it answered before
   * the lease could have ended.
   */
  work(think: number, stall: number): Promise<void> {
    return this.#as(() => this.#work(think, stall));
  }

  async #work(think: number, stall: number): Promise<void> {
    const held = this.held;
    if (!held || this.#stopped || this.#working) return;
    // A read share or a permit is held together with others: its holder reads, it does not read-modify-write.
    if (this.heldShared || (this.env.limit ?? 1) > 1) return;
    this.#working = true;
    try {
      const { plain, fenced, history } = this.env;
      const tRead = history.now();
      const read = plain.read();
      const fence = held.fence;
      const readFenced = fence === undefined ? undefined : fenced.readFenced(fence);
      if (think > 0) await sleep(think);
      if (this.held !== held || !this.believes()) return;
      if (!(await this.#stall(held, stall))) {
        const seen = this.#owner();
        const owner = seen instanceof Promise ? await seen : seen;
        if (this.crashed || this.held !== held || !this.believes()) return;
        this.#write(held, { tRead, read, readFenced }, owner);
        return;
      }
      if (this.crashed) return;
      const acted = history.now();
      const writes = this.#write(held, { tRead, read, readFenced }, undefined);
      const seen = this.#owner();
      const owner = seen instanceof Promise ? await seen : seen;
      // A late answer may show the lease after it ended: it judges the write only if it still shows the holder.
      const prompt = history.now() - acted <= (this.env.stallMargin ?? 0);
      if (prompt || owner === held.token) for (const w of writes) w.owner = owner;
    } finally {
      this.#working = false;
    }
  }

  /** The lease's owner now: at once on the mock (no await, so nothing runs in between), a round trip on real Redis. */
  #owner(): string | null | Promise<string | null> {
    return this.env.observer.owner(this.env.leaseKey);
  }

  /** Writes both resources now, as `held`'s holder, and records the writes (their `owner` as given). */
  #write(
    held: LockHandle,
    { tRead, read, readFenced }: { tRead: number; read: number; readFenced: number | undefined },
    owner: string | null | undefined,
  ): WriteEvent[] {
    const { plain, fenced, history } = this.env;
    const fence = held.fence;
    const base = {
      type: 'write' as const,
      t: history.now(),
      client: this.id,
      token: held.token,
      tRead,
      accepted: true,
      ...(owner === undefined ? {} : { owner }),
    };
    const wrote = plain.write(read + 1, this.id);
    const out: WriteEvent[] = [
      { resource: 'plain', read, ...base, ...defined(wrote), ...(fence === undefined ? {} : { fence }) },
    ];
    if (fence !== undefined && readFenced !== undefined) {
      const f = fenced.writeFenced(readFenced + 1, fence, this.id);
      out.push({ resource: 'fenced', read: readFenced, ...base, ...defined(f), fence });
    }
    for (const w of out) history.push(w);
    return out;
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
    this.#as(() => this.lock.close()).catch(() => {});
  }

  /** Stalls the client's process for `stall` ms (unless beyond the validity, within the bounds); says if it did. */
  async #stall(held: LockHandle, stall: number): Promise<boolean> {
    if (stall <= 0) return false;
    const beyond = this.#outlasts(held, stall);
    if (beyond && this.env.bounds === 'within') return false;
    // The process stalls: every client in it with this one.
    this.fault({ kind: 'stall', duration: stall, beyond });
    const { connection } = this;
    if (connection.suspend) connection.suspend(stall);
    else connection.faults.pausedUntil = Math.max(connection.faults.pausedUntil, Date.now() + stall);
    await sleep(stall);
    return true;
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
