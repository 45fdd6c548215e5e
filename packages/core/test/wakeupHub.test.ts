import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { waiterChannel } from '../src/keys/lockKeys.js';
import { WakeupHub, type SubscriberConnection, type WakeupListener } from '../src/wait/WakeupHub.js';

/** A subscriber connection that records (un)subscriptions and lets the test deliver messages. */
class StubConnection implements SubscriberConnection {
  readonly subscribed = new Set<string>();
  readonly unsubscribed: string[] = [];
  #onMessage: ((channel: string, message: string) => void) | undefined;

  subscribe(...channels: string[]): Promise<unknown> {
    channels.forEach((channel) => this.subscribed.add(channel));
    return Promise.resolve();
  }
  unsubscribe(...channels: string[]): Promise<unknown> {
    channels.forEach((channel) => this.subscribed.delete(channel));
    this.unsubscribed.push(...channels);
    return Promise.resolve();
  }
  on(event: 'message' | 'error', listener: (...args: never[]) => void): unknown {
    if (event === 'message') this.#onMessage = listener as (channel: string, message: string) => void;
    return this;
  }
  disconnect(): void {}
  deliver(channel: string, message: string): void {
    this.#onMessage?.(channel, message);
  }
}

/** A listener on the wake-up channels of `keys` (e.g. `k:wake`) that records its wake-ups (`handedFence` or `woken`). */
function listener(
  keys: readonly string[],
  token: string,
  fair: boolean,
): WakeupListener & { readonly woken: (number | 'woken')[] } {
  const woken: (number | 'woken')[] = [];
  const channels = keys.map((channel) => waiterChannel(channel, token, fair));
  return { token, fair, channels, woken, wake: (fence) => woken.push(fence ?? 'woken') };
}

describe('WakeupHub', function () {
  let clock: ReturnType<typeof FakeTimers.install>;
  let connection: StubConnection;
  let hub: WakeupHub;
  beforeEach(function () {
    clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    connection = new StubConnection();
    hub = new WakeupHub(() => connection, 'tagA');
  });
  afterEach(function () {
    hub.close();
    clock.uninstall();
  });

  it('a fair waiter listens on its locker’s channel of the key, an unfair one on the shared channel', async function () {
    const fair = listener(['k:wake'], 'tagA.secret1', true);
    const otherFair = listener(['k:wake'], 'tagA.secret2', true);
    const unfair = listener(['k:wake'], 'tagB.secret3', false);
    expect(await hub.listen(fair)).to.equal(true);
    expect(await hub.listen(otherFair)).to.equal(false);
    await hub.listen(unfair);
    expect([...connection.subscribed]).to.have.members(['k:wake:tagA', 'k:wake']);
    connection.deliver('k:wake:tagA', 'tagA.secret1:42');
    connection.deliver('k:wake', 'tagC.secret9');
    expect(fair.woken).to.deep.equal([42]);
    expect(otherFair.woken).to.deep.equal([]);
    expect(unfair.woken).to.deep.equal(['woken']);
  });

  it('unsubscribes a channel once nobody has listened on it for the linger time, and keeps a busy one', async function () {
    const first = listener(['idle:wake', 'busy:wake'], 'tagA.one', true);
    await hub.listen(first);
    hub.forget(first);
    await clock.tickAsync(20_000);
    const again = listener(['busy:wake'], 'tagA.two', true);
    expect(await hub.listen(again)).to.equal(false);
    await clock.tickAsync(9_000);
    expect(connection.unsubscribed, 'after 29 s').to.deep.equal([]);
    await clock.tickAsync(2_000);
    expect(connection.unsubscribed, 'after 31 s').to.deep.equal(['idle:wake:tagA']);
    expect([...connection.subscribed]).to.deep.equal(['busy:wake:tagA']);
    hub.forget(again);
    await clock.tickAsync(60_000);
    expect(connection.unsubscribed).to.deep.equal(['idle:wake:tagA', 'busy:wake:tagA']);
    expect(clock.countTimers(), 'the sweeper stops once no channel is idle').to.equal(0);
  });

  it('keeps a wake-up for this locker’s token that came before its waiter listened, and only that', async function () {
    const present = listener(['k:wake'], 'tagA.present', true);
    await hub.listen(present);
    connection.deliver('k:wake:tagA', 'tagA.early:7'); // its refused attempt has not answered yet
    connection.deliver('k:wake', 'tagB.other'); // another locker's waiter
    connection.deliver('k:wake:tagA', 'tagA.present');
    expect(present.woken).to.deep.equal(['woken']);
    expect(hub.takeEarlyWakeup('tagA.early'), 'a hand-over keeps its fence').to.deep.equal({
      handedFence: 7,
    });
    expect(hub.takeEarlyWakeup('tagA.early'), 'consumed').to.equal(undefined);
    expect(hub.takeEarlyWakeup('tagB.other'), 'not this locker’s').to.equal(undefined);
    expect(hub.takeEarlyWakeup('tagA.present'), 'its listener had it').to.equal(undefined);
    for (let i = 0; i < 2_000; i++) connection.deliver('k:wake:tagA', `tagA.gone${i}`);
    expect(hub.takeEarlyWakeup('tagA.gone0'), 'the oldest go first beyond the bound').to.equal(undefined);
    expect(hub.takeEarlyWakeup('tagA.gone1999')).to.deep.equal({ handedFence: undefined });
  });

  it('closing wakes every listener, so no pause outlives the locker', async function () {
    const waiting = listener(['k:wake'], 'tagA.one', true);
    await hub.listen(waiting);
    hub.close();
    expect(waiting.woken).to.deep.equal(['woken']);
  });
});
