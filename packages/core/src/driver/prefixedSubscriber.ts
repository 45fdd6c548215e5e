import type { SubscriberConnection } from '../wait/WakeupHub.js';

/**
 * `connection`, subscribing to `prefix` + each channel it is given and reporting messages under the names it
 * was given. A client's `keyPrefix` prefixes the keys a script receives, so the channels a script derives from
 * them (`lease + ':wake'`) carry it, while the client leaves channel names as they are. Without a prefix this
 * is `connection` itself.
 *
 * @example
 * ```ts
 * const subscriber = prefixedSubscriber(redis.duplicate(), 'app:')
 * await subscriber.subscribe('deadbolt:{k}:wake') // SUBSCRIBE app:deadbolt:{k}:wake
 * ```
 */
export function prefixedSubscriber(connection: SubscriberConnection, prefix: string): SubscriberConnection {
  return prefix === '' ? connection : new PrefixedSubscriber(connection, prefix);
}

class PrefixedSubscriber implements SubscriberConnection {
  readonly #connection: SubscriberConnection;
  readonly #prefix: string;

  constructor(connection: SubscriberConnection, prefix: string) {
    this.#connection = connection;
    this.#prefix = prefix;
  }

  subscribe(...channels: string[]): Promise<unknown> {
    return this.#connection.subscribe(...channels.map((channel) => this.#prefix + channel));
  }

  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.#connection.unsubscribe(...channels.map((channel) => this.#prefix + channel));
  }

  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'message' | 'error', listener: (...args: never[]) => void): unknown {
    if (event === 'error') return this.#connection.on('error', listener as (error: Error) => void);
    const prefix = this.#prefix;
    const onMessage = listener as (channel: string, message: string) => void;
    return this.#connection.on('message', (channel, message) => {
      if (channel.startsWith(prefix)) onMessage(channel.slice(prefix.length), message);
    });
  }

  disconnect(): void {
    this.#connection.disconnect();
  }
}
