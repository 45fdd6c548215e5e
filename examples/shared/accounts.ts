import type { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';

/** Bank accounts kept in Redis, with a deliberately non-atomic read → await → write. */
export class Accounts {
  readonly #redis: Redis;
  readonly #workMs: number;

  /** `workMs`: the pretend latency of the payment provider called between the read and the write. */
  constructor(redis: Redis, workMs = 5) {
    this.#redis = redis;
    this.#workMs = workMs;
  }

  /** Opens (or resets) an account with `balance`. */
  async open(id: string, balance: number): Promise<void> {
    await this.#redis.set(this.#key(id), String(balance));
  }

  /** The balance, or `undefined` for an unknown account. */
  async balance(id: string): Promise<number | undefined> {
    const value = await this.#redis.get(this.#key(id));
    return value === null ? undefined : Number(value);
  }

  /**
   * Adds `amount` (negative to withdraw) unless the balance would go below zero; returns the new balance,
   * `'insufficient'`, or `undefined` for an unknown account. Two concurrent calls can lose an update: this is
   * what the lock prevents.
   */
  async apply(id: string, amount: number): Promise<number | 'insufficient' | undefined> {
    const balance = await this.balance(id);
    if (balance === undefined) return undefined;
    if (balance + amount < 0) return 'insufficient';
    await delay(this.#workMs); // e.g. the payment provider's round trip
    await this.#redis.set(this.#key(id), String(balance + amount));
    return balance + amount;
  }

  #key(id: string): string {
    return `example:account:${id}:balance`;
  }
}
