import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from './chai.js';
import { RedisServer } from '../src/index.js';

const withoutCompiler = fileURLToPath(new URL('./fixtures/clockWithoutCompiler.ts', import.meta.url));

/** The server's clock in ms, from TIME. */
async function serverTimeMs(server: RedisServer): Promise<number> {
  const [seconds, micros] = (await server.client().time()) as [string | number, string | number];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** How far the server's clock is from this process's clock, in ms (within the round trip). */
async function skewMs(server: RedisServer): Promise<number> {
  const before = Date.now();
  const time = await serverTimeMs(server);
  return time - (before + Date.now()) / 2;
}

describe('ServerClock (RedisServer.start({ clock: true }))', function () {
  this.timeout(30_000);
  let server: RedisServer;
  before(async () => {
    server = await RedisServer.start({ clock: true });
  });
  afterEach(() => server.clock.setOffset(0));
  after(() => server.stop());

  it('starts at the real time, and TIME follows a forward and a backward step at once', async () => {
    expect(server.clock.offsetMs).to.equal(0);
    expect(Math.abs(await skewMs(server))).to.be.below(1_000);
    server.clock.step(3_600_000);
    expect(await skewMs(server)).to.be.within(3_599_000, 3_601_000);
    server.clock.step(-7_200_000);
    expect(server.clock.offsetMs).to.equal(-3_600_000);
    expect(await skewMs(server)).to.be.within(-3_601_000, -3_599_000);
  });

  it('key expiry follows the step: a forward step past a PX expires the key, a backward step extends it', async () => {
    const client = server.client();
    await client.set('short', 'v', 'PX', 60_000);
    server.clock.step(61_000);
    expect(await client.get('short')).to.equal(null);
    await client.set('long', 'v', 'PX', 60_000);
    server.clock.step(-600_000);
    expect(await client.pttl('long')).to.be.above(600_000);
  });

  it('keeps the offset across restart()', async () => {
    server.clock.setOffset(-120_000);
    await server.restart();
    expect(await skewMs(server)).to.be.within(-121_000, -119_000);
  });

  it('is refused on a server started without the option', async () => {
    await using plain = await RedisServer.start();
    expect(() => plain.clock).to.throw(/not started with \{ clock: true \}/);
  });

  it('rejects with ClockShimUnavailableError (ERR_CLOCK_SHIM_UNAVAILABLE) when no C compiler can build the shim', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'deadbolt-no-shim-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', withoutCompiler], {
        env: { ...process.env, TMPDIR: fresh, CC: 'deadbolt-no-such-compiler' },
        timeout: 15_000,
      });
      const reported = JSON.parse(stdout) as { name?: string; code?: string; message?: string };
      expect(reported).to.include({ name: 'ClockShimUnavailableError', code: 'ERR_CLOCK_SHIM_UNAVAILABLE' });
      expect(reported.message).to.match(/deadbolt-no-such-compiler was not found.*apt-get install -y gcc/);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
