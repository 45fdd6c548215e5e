import { lockerTagOf } from '../keys/token.js';
import { parseWakeup, type WakeupMessage } from './wakeupMessage.js';

/** A subscriber connection: what the wake-up hub needs from a client (ioredis, iovalkey, node-redis or ioredis-mock), one per locker. */
export interface SubscriberConnection {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  disconnect(): void;
}

/** A wake-up that came before its waiter listened: whether (with which fence) the release handed it the lock. */
export type EarlyWakeup = Pick<WakeupMessage, 'handedFence'>;

/** One waiter listening for wake-ups. */
export interface WakeupListener {
  /** Its owner token: in fair mode only a message naming it wakes it. */
  readonly token: string;
  readonly fair: boolean;
  /** The channels it listens on, one per key: its locker's channel of the key, or the shared one (`waiterChannel`). */
  readonly channels: readonly string[];
  /** `handedFence`: the release already granted this waiter the lock, with this fence (`token:fence`). */
  wake(handedFence?: number): void;
}

/**
 * How long a channel stays subscribed after its last waiter left, in ms (up to twice this: idle channels are
 * swept at this interval): hot keys stay subscribed.
 */
const LINGER_MS = 30_000;
/** Wake-ups kept for this locker's acquires that were not listening yet (the oldest go first beyond this). */
const EARLY_WAKEUPS_KEPT = 1_024;

/**
 * One subscriber connection per locker, serving the wake-up channels of every key it waits on: for fair
 * waiters the key's channel of this locker (a release wakes only the process whose waiter is next), for
 * unfair ones the key's shared channel (see `waiterChannel`). A channel is subscribed while a local waiter
 * needs it (and lingers a while after), and each message wakes the waiter whose token it names, or every
 * unfair waiter on that channel.
 */
export class WakeupHub {
  readonly #connect: () => SubscriberConnection;
  #connection: SubscriberConnection | undefined;
  readonly #listeners = new Map<string, Set<WakeupListener>>();
  readonly #subscribed = new Map<string, Promise<void>>();
  /** Subscribed channels nobody listens on, with when their last listener left (`performance.now()`). */
  readonly #idleSince = new Map<string, number>();
  /** Drops channels idle for {@link LINGER_MS}; runs only while some channel is idle. */
  #sweeper: NodeJS.Timeout | undefined;
  /** The locker's tag, which starts its owner tokens (see `keys/token.ts`). */
  readonly #tag: string;
  /**
   * Tokens of this locker named by a wake-up while no listener had them: a release can wake a waiter whose
   * refused attempt has not answered yet. Bounded; an entry of an acquire that ended meanwhile just ages out.
   */
  readonly #early = new Map<string, EarlyWakeup>();

  /**
   * @param connect - opens the subscriber connection, on first use.
   * @param tag - the locker's tag: wake-ups for its tokens are kept until their waiter listens.
   */
  constructor(connect: () => SubscriberConnection, tag: string) {
    this.#connect = connect;
    this.#tag = tag;
  }

  /** The wake-up that named `token` while it was not listening, if one did; consumes it. */
  takeEarlyWakeup(token: string): EarlyWakeup | undefined {
    const early = this.#early.get(token);
    this.#early.delete(token);
    return early;
  }

  /**
   * Adds `listener` on its channels; resolves once they are subscribed, with `true` when a subscription had to
   * be made now (a release may have been missed meanwhile, so the caller should try again at once).
   */
  async listen(listener: WakeupListener): Promise<boolean> {
    let fresh = false;
    const pending: Promise<void>[] = [];
    for (const channel of listener.channels) {
      this.#idleSince.delete(channel);
      let listeners = this.#listeners.get(channel);
      if (!listeners) this.#listeners.set(channel, (listeners = new Set()));
      listeners.add(listener);
      let subscription = this.#subscribed.get(channel);
      if (!subscription) {
        fresh = true;
        subscription = this.#subscribe(channel);
        this.#subscribed.set(channel, subscription);
      }
      pending.push(subscription);
    }
    await Promise.all(pending);
    return fresh;
  }

  /** Removes `listener`; a channel nobody listens on is unsubscribed once idle for {@link LINGER_MS}. */
  forget(listener: WakeupListener): void {
    for (const channel of listener.channels) {
      const listeners = this.#listeners.get(channel);
      listeners?.delete(listener);
      if (listeners?.size !== 0 || this.#idleSince.has(channel)) continue;
      this.#idleSince.set(channel, performance.now());
      if (!this.#sweeper) {
        this.#sweeper = setInterval(() => this.#sweep(), LINGER_MS);
        this.#sweeper.unref();
      }
    }
  }

  /** Wakes every listener (the locker is closing), then closes the subscriber connection and every timer. */
  close(): void {
    for (const listeners of [...this.#listeners.values()])
      for (const listener of [...listeners]) listener.wake();
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#idleSince.clear();
    this.#early.clear();
    this.#listeners.clear();
    this.#subscribed.clear();
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  async #subscribe(channel: string): Promise<void> {
    try {
      await this.#ensureConnection().subscribe(channel);
    } catch (error) {
      this.#subscribed.delete(channel);
      throw error;
    }
  }

  /** Unsubscribes the channels idle for {@link LINGER_MS}; stops sweeping once none is idle. */
  #sweep(): void {
    const now = performance.now();
    for (const [channel, since] of this.#idleSince) {
      if (now - since < LINGER_MS) continue;
      this.#idleSince.delete(channel);
      this.#listeners.delete(channel);
      this.#subscribed.delete(channel);
      this.#connection?.unsubscribe(channel).catch(() => {});
    }
    if (this.#idleSince.size > 0) return;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #ensureConnection(): SubscriberConnection {
    if (this.#connection) return this.#connection;
    const connection = this.#connect();
    connection.on('error', () => {}); // failures surface as failed subscriptions; polling covers the gap
    connection.on('message', (channel, message) => this.dispatch(channel, message));
    this.#connection = connection;
    return connection;
  }

  /**
   * Delivers a wake-up `message` on `channel`: one that came from Redis, or one that a release by this locker
   * answered instead of publishing. A message is the next waiter's token, or `token:fence` when the release
   * handed it the lock. A hand-over that reaches no listener (the waiter is between two attempts) is kept as an
   * early wake-up, with its fence: the waiter takes it when it pauses after the refused attempt that was in
   * flight. It may be stale (a hand-over the waiter slept through, sent before that attempt): the acquire
   * trusts it only when its fence is above every fence that attempt saw (see `acquireLoop`).
   */
  dispatch(channel: string, message: string): void {
    const { token, handedFence } = parseWakeup(message);
    let named = false;
    for (const listener of this.#listeners.get(channel) ?? []) {
      const mine = listener.token === token;
      named ||= mine;
      if (mine) listener.wake(handedFence);
      else if (!listener.fair) listener.wake();
    }
    if (named || lockerTagOf(token) !== this.#tag) return;
    this.#early.set(token, { handedFence });
    if (this.#early.size > EARLY_WAKEUPS_KEPT) this.#early.delete(this.#early.keys().next().value as string);
  }
}
