import type { SubscriberConnection } from '../wait/WakeupHub.js';
import { withinTimeout } from './withinTimeout.js';

/** GLIDE's `ProtocolVersion.RESP3`: GLIDE refuses pub/sub on a RESP2 client, so the subscriber speaks RESP3. */
const RESP3 = 0;

/** A pub/sub message as GLIDE hands it to the callback of `pubsubSubscriptions` (strings or Buffers). */
interface GlideMessage {
  readonly channel: unknown;
  readonly message: unknown;
}

/** What the subscriber uses of the GLIDE client it opens. */
export interface GlideSubscriberClient {
  subscribe(channels: string[], timeoutMs: number): Promise<unknown>;
  unsubscribeLazy(channels: string[]): Promise<unknown>;
  close(): void;
}

/**
 * How to open a GLIDE client like the user's: the configuration it was created with, and its class's
 * `createClient`.
 */
export interface GlideClientFactory {
  readonly config: object;
  createClient(options: object): Promise<GlideSubscriberClient>;
}

/**
 * A wake-up subscriber on a GLIDE client of deadbolt's own, created at once with the user's client's
 * configuration plus a pub/sub callback (GLIDE delivers messages only to a callback given at creation), in RESP3
 * whatever the user's client speaks (GLIDE has pub/sub only in RESP3), and
 * closed by {@link disconnect}. Channels are subscribed dynamically (`subscribe`, which waits for Redis to
 * confirm, at most `timeout` ms, as does the wait for the client itself); GLIDE subscribes again by itself
 * after a reconnection.
 *
 * @example
 * ```ts
 * const subscriber = new GlideSubscriber({ config, createClient: (o) => GlideClient.createClient(o) }, 1_000)
 * subscriber.on('message', (channel, message) => console.log(channel, message))
 * await subscriber.subscribe('deadbolt:{k}:wake')
 * ```
 */
export class GlideSubscriber implements SubscriberConnection {
  readonly #timeout: number;
  readonly #client: Promise<GlideSubscriberClient>;
  #closed = false;
  /** The client once it connected: later subscriptions need no timeout. */
  #ready: GlideSubscriberClient | undefined;
  #onMessage: ((channel: string, message: string) => void) | undefined;

  constructor(factory: GlideClientFactory, timeout: number) {
    this.#timeout = timeout;
    const callback = ({ channel, message }: GlideMessage): void =>
      this.#onMessage?.(String(channel), String(message));
    const pubsubSubscriptions = { channelsAndPatterns: {}, callback };
    this.#client = factory.createClient({ ...factory.config, protocol: RESP3, pubsubSubscriptions });
    this.#client.catch(() => {}); // a failed connection fails the subscriptions that wait for it
  }

  async subscribe(...channels: string[]): Promise<unknown> {
    const client = await this.#connected();
    return client.subscribe(channels, this.#timeout);
  }

  async unsubscribe(...channels: string[]): Promise<unknown> {
    const client = await this.#connected();
    return client.unsubscribeLazy(channels);
  }

  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'message' | 'error', listener: (...args: never[]) => void): unknown {
    // GLIDE reports no connection errors as events: failures surface as failed subscriptions.
    if (event === 'message') this.#onMessage = listener as (channel: string, message: string) => void;
    return this;
  }

  disconnect(): void {
    this.#closed = true;
    this.#client.then((client) => client.close()).catch(() => {});
  }

  /** The client, once created (within the timeout); rejects after {@link disconnect}. */
  async #connected(): Promise<GlideSubscriberClient> {
    if (this.#closed) throw new Error('The wake-up subscriber is closed');
    if (this.#ready) return this.#ready; // connected: no timer for this subscription
    const timeout = this.#timeout;
    const client = await withinTimeout(
      this.#client,
      timeout,
      `The wake-up subscriber did not connect within ${timeout} ms`,
    );
    if (this.#closed) throw new Error('The wake-up subscriber is closed');
    return (this.#ready = client);
  }
}
