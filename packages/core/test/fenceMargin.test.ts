import { expect } from 'chai';
import { lockKeys } from '../src/index.js';
import { SingleNodeBackend } from '../src/backend/SingleNodeBackend.js';
import { lockTarget } from '../src/keys/target.js';
import type { Renewal } from '../src/lease/RenewalBatcher.js';
import { LockRenewalHooks } from '../src/lease/LockRenewalHooks.js';
import type { LockHost } from '../src/lease/LockHost.js';
import type { RenewalAnswers } from '../src/lease/RenewalSchedule.js';
import { eachBackend } from './support/backends.js';

// A held lock's renewals look at its fence counter only every few renewals (see EXTEND_MANY): after a checked
// renewal the counter outlives the lease by half the fence ttl (30 s at ttl 10 s), and each renewal moves the
// lease's end by at most its ttl, so the next two renewals may skip the look-up.
describe('fence margin of batched renewals', function () {
  eachBackend((backend) => {
    it('a record checks its fence counter, skips it while its margin exceeds the ttl, then checks again', async function () {
      const ttl = 10_000;
      const prefix = backend().prefix();
      const admin = backend().admin();
      const renewals: Renewal[] = ['a', 'b'].map((key) => ({
        target: lockTarget(prefix, [key]),
        token: `tag-${key}.secret`,
        ttl,
        fenceMargin: 0,
      }));
      const unknown: Renewal = { target: lockTarget(prefix, ['c']), token: 'tag-c.secret', ttl };
      const all = [...renewals, unknown];
      const fences = ['a', 'b', 'c'].map((key) => lockKeys(prefix, key).fence);
      for (const [index, renewal] of all.entries()) {
        await admin.set(renewal.target.leases[0] as string, renewal.token, 'PX', ttl);
        await admin.set(fences[index] as string, '7', 'PX', 20_000);
      }
      const lowerFences = (): Promise<unknown> =>
        Promise.all(fences.map((fence) => admin.pexpire(fence, 20_000)));
      const fenceTtls = (): Promise<number[]> => Promise.all(fences.map((fence) => admin.pttl(fence)));
      const renewer = new SingleNodeBackend(backend().connect(), 2_000);

      expect(await renewer.renewBatch(all)).to.deep.equal([true, true, true]);
      expect(
        renewals.map((renewal) => renewal.fenceMargin),
        'half the fence ttl',
      ).to.deep.equal([30_000, 30_000]);
      expect(unknown.fenceMargin, 'a record without a margin keeps none').to.equal(undefined);
      for (const fenceTtl of await fenceTtls()) expect(fenceTtl, 'checked: pushed').to.be.greaterThan(50_000);

      // Two renewals skip the look-up: a counter made to run low is left alone (but not the unknown's).
      for (const margin of [20_000, 10_000]) {
        await lowerFences();
        expect(await renewer.renewBatch(all)).to.deep.equal([true, true, true]);
        expect(renewals.map((renewal) => renewal.fenceMargin)).to.deep.equal([margin, margin]);
        const [a, b, c] = await fenceTtls();
        expect([a, b], 'skipped').to.satisfy((ttls: number[]) => ttls.every((left) => left <= 20_000));
        expect(c, 'no margin: checked every time').to.be.greaterThan(50_000);
      }
      // The margin no longer exceeds the ttl: checked, and pushed again.
      await lowerFences();
      expect(await renewer.renewBatch(all)).to.deep.equal([true, true, true]);
      expect(renewals.map((renewal) => renewal.fenceMargin)).to.deep.equal([30_000, 30_000]);
      for (const fenceTtl of await fenceTtls()) expect(fenceTtl).to.be.greaterThan(50_000);

      // A lease no longer ours spends its margin and gets none back.
      await admin.set(renewals[0]?.target.leases[0] as string, 'someone-else', 'PX', ttl);
      expect(await renewer.renewBatch(all)).to.deep.equal([false, true, true]);
      expect(renewals[0]?.fenceMargin).to.equal(20_000);
    });
  });

  describe('LockRenewalHooks', function () {
    const answers: RenewalAnswers = { answered: () => undefined, failed: () => undefined };
    function hooksWith(sent: Renewal[]): LockRenewalHooks {
      const backend = {
        renewLater: (renewal: Renewal) => sent.push(renewal) > 0,
        extend: () => Promise.resolve(true),
      };
      const host = { backend } as unknown as LockHost;
      const lock = { key: 'k', token: 'tag.secret', fence: 1, lose: () => Promise.resolve() };
      return new LockRenewalHooks(host, lockTarget('p', ['k']), lock);
    }

    it('sends one record per lock, its margin kept from renewal to renewal', function () {
      const sent: Renewal[] = [];
      const hooks = hooksWith(sent);
      expect(hooks.renewLater(10_000, answers)).to.equal(true);
      (sent[0] as Renewal).fenceMargin = 30_000;
      hooks.renewLater(10_000, answers);
      expect(sent[1]).to.equal(sent[0]);
      expect(sent[1]?.fenceMargin).to.equal(30_000);
    });

    it('an explicit extend, or a new ttl, makes the next renewal check its fence counters', async function () {
      const sent: Renewal[] = [];
      const hooks = hooksWith(sent);
      hooks.renewLater(10_000, answers);
      expect(sent[0]?.fenceMargin, 'the first renewal checks').to.equal(0);
      (sent[0] as Renewal).fenceMargin = 30_000;
      await hooks.extend(10_000);
      hooks.renewLater(10_000, answers);
      expect(sent[1]?.fenceMargin).to.equal(0);

      const retimed: Renewal[] = [];
      const newTtl = hooksWith(retimed);
      newTtl.renewLater(10_000, answers);
      (retimed[0] as Renewal).fenceMargin = 30_000;
      newTtl.renewLater(20_000, answers);
      expect(retimed[1]?.fenceMargin).to.equal(0);
      expect(retimed[1]?.ttl).to.equal(20_000);
    });
  });
});
