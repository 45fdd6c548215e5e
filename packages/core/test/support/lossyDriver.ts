import { detectDriver, type RedisClientLike, type RedisDriver, type ScriptClient } from '@deadbolt/core';

/** A driver whose script calls can lose their reply; see {@link lossyDriver}. */
export interface LossyDriver {
  /** Give this to `createLocker`. */
  readonly driver: RedisDriver;
  /**
   * Loses the reply of the next script call: the command is sent and runs in Redis, but the locker never hears
   * back (its call settles only by its own commandTimeout). Resolves with the reply Redis sent.
   */
  loseNextReply(): Promise<unknown>;
}

/**
 * The driver of `client` (any client kind the lock takes), with one fault: a lost reply. Unlike a paused
 * server, it delays nothing else: only the one call whose reply is lost times out, however loaded the machine.
 *
 * @example
 * ```ts
 * const lossy = lossyDriver(kind.twin(redis));
 * const locker = createLocker(lossy.driver);
 * const reply = lossy.loseNextReply();
 * await expect(lock.release()).to.be.rejectedWith(LockRedisError); // it ran all the same:
 * expect(await reply).to.equal(1);
 * ```
 */
export function lossyDriver(client: RedisClientLike): LossyDriver {
  const driver = detectDriver(client);
  const { scripts } = driver;
  let losing: ((reply: Promise<unknown>) => void) | undefined;
  const send = (call: () => Promise<unknown>): Promise<unknown> => {
    const lose = losing;
    losing = undefined;
    if (!lose) return call();
    lose(call());
    return new Promise(() => {}); // the reply never arrives
  };
  // Reads (`status`, `stream`, `isCluster`) go to the driver's own object, live; every call is made on it.
  const lossy = Object.create(scripts, {
    evalsha: {
      value: (...call: Parameters<ScriptClient['evalsha']>) => send(() => scripts.evalsha(...call)),
    },
    eval: { value: (...call: Parameters<ScriptClient['eval']>) => send(() => scripts.eval(...call)) },
    ping: { value: scripts.ping?.bind(scripts) },
    once: { value: scripts.once?.bind(scripts) },
  }) as ScriptClient;
  return {
    driver: { ...driver, scripts: lossy },
    loseNextReply: () => new Promise((resolve) => (losing = resolve)),
  };
}
