import type { SubscriberConnection } from '../wait/WakeupHub.js';
import { withinTimeout } from './withinTimeout.js';

/** node-redis' pub/sub listener: message first, then channel. */
type PubSubListener = (message: string, channel: string) => void;

/** A duplicated node-redis client, as the subscriber uses it. */
export interface NodeRedisSubscriberClient {
  readonly isReady: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channels: string[], listener: PubSubListener): Promise<unknown>;
  unsubscribe(channels: string[], listener: PubSubListener): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<unknown>;
}

/**
 * A wake-up subscriber on a duplicated node-redis client. node-redis needs a connection of its own for
 * SUBSCRIBE, connected explicitly; this one connects at once and is destroyed by {@link disconnect}. A
 * subscription waits for the first connection at most `timeout` ms, and is refused while the connection is
 * down later (node-redis would queue it until it reconnects); node-redis subscribes again by itself after a
 * reconnection. With a `keyPrefix`, channels are prefixed as the scripts' channels are.
 *
 * @example
 * ```ts
 * const subscriber = new NodeRedisSubscriber(client.duplicate(), '', 1_000)
 * subscriber.on('message', (channel, message) => console.log(channel, message))
 * await subscriber.subscribe('deadbolt:{k}:wake')
 * ```
 */
export class NodeRedisSubscriber implements SubscriberConnection {
  readonly #client: NodeRedisSubscriberClient;
  readonly #prefix: string;
  readonly #timeout: number;
  /** The first connection, until it is up. */
  #connecting: Promise<unknown> | undefined;
  #onMessage: ((channel: string, message: string) => void) | undefined;
  #onError: ((error: Error) => void) | undefined;
  readonly #listener: PubSubListener = (message, channel) =>
    this.#onMessage?.(channel.slice(this.#prefix.length), message);

  constructor(client: NodeRedisSubscriberClient, prefix: string, timeout: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.#timeout = timeout;
    // node-redis throws an 'error' event that nobody listens to: listen before connecting.
    client.on('error', (error) => this.#onError?.(error));
    const connecting = client.connect().then(() => {
      this.#connecting = undefined;
    });
    connecting.catch(() => {}); // a failed first connection fails the subscriptions that wait for it
    this.#connecting = connecting;
  }

  async subscribe(...channels: string[]): Promise<unknown> {
    await this.#connected();
    return this.#client.subscribe(this.#prefixed(channels), this.#listener);
  }

  async unsubscribe(...channels: string[]): Promise<unknown> {
    await this.#connected();
    return this.#client.unsubscribe(this.#prefixed(channels), this.#listener);
  }

  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'message' | 'error', listener: (...args: never[]) => void): unknown {
    if (event === 'error') this.#onError = listener as (error: Error) => void;
    else this.#onMessage = listener as (channel: string, message: string) => void;
    return this;
  }

  disconnect(): void {
    const client = this.#client;
    if (typeof client.destroy === 'function') client.destroy();
    else client.disconnect?.().catch(() => {});
  }

  #prefixed(channels: readonly string[]): string[] {
    return this.#prefix === '' ? [...channels] : channels.map((channel) => this.#prefix + channel);
  }

  /** Resolves once connected: at once when ready, within the timeout for the first connection, else rejects. */
  async #connected(): Promise<void> {
    if (this.#client.isReady) return;
    const connecting = this.#connecting;
    if (!connecting) throw new Error('The wake-up subscriber is not connected');
    await withinTimeout(
      connecting,
      this.#timeout,
      `The wake-up subscriber did not connect within ${this.#timeout} ms`,
    );
  }
}
