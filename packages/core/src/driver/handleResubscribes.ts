/** What {@link handleResubscribes} changes on a connection: its `subscribe`. */
interface Subscribing {
  subscribe(...args: never[]): Promise<unknown>;
}

/**
 * Makes every promise that `connection.subscribe` returns handled, including those of the calls ioredis makes
 * itself, and returns `connection`. ioredis (and iovalkey) re-subscribe a connection's channels on their own in
 * the turn it is ready again after a reconnect (`autoResubscribe`) and drop that SUBSCRIBE's promise: when the
 * connection is disconnected before Redis answers (a locker closing during the reconnect), ioredis rejects it
 * with `Connection is closed.`, which, unhandled, ends a Node process. The connection's own callers (the wake-up
 * hub) still see every rejection: a no-op handler is added beside theirs, the promise is returned unchanged.
 *
 * @example
 * ```ts
 * const subscriber = handleResubscribes(redis.duplicate())
 * await subscriber.subscribe('wake') // rejects as before; ioredis' own re-subscriptions never go unhandled
 * ```
 */
export function handleResubscribes<C extends Subscribing>(connection: C): C {
  const subscribe = connection.subscribe.bind(connection);
  connection.subscribe = (...args: never[]): Promise<unknown> => {
    const sent = subscribe(...args);
    sent.then(undefined, ignore);
    return sent;
  };
  return connection;
}

function ignore(): void {}
