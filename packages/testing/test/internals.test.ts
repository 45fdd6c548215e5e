import { expect } from './chai.js';
import {
  coveredSlots,
  describeSlotMap,
  parseClusterNodes,
  parseClusterSlots,
  slotMaster,
  slotRange,
} from '../src/clusterTopology.js';
import { parseCommandStats, parseCpuSeconds, waitUntil } from '../src/index.js';

describe('parseCommandStats', () => {
  it('maps cmdstat lines to lower-case names and call counts', () => {
    const info = [
      '# Commandstats',
      'cmdstat_get:calls=3,usec=9,usec_per_call=3.00,rejected_calls=0,failed_calls=0',
      'cmdstat_EVALSHA:calls=10,usec=90,usec_per_call=9.00,rejected_calls=0,failed_calls=1',
      'cmdstat_config|resetstat:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0',
      '',
    ].join('\r\n');
    expect(parseCommandStats(info)).to.deep.equal({ get: 3, evalsha: 10, 'config|resetstat': 1 });
    expect(parseCommandStats('# Commandstats\r\n')).to.deep.equal({});
  });
});

describe('parseCpuSeconds', () => {
  it('adds used_cpu_user and used_cpu_sys, and is NaN when one is missing', () => {
    const info = [
      '# CPU',
      'used_cpu_sys:1.500000',
      'used_cpu_user:2.250000',
      'used_cpu_sys_children:9.0',
      '',
    ];
    expect(parseCpuSeconds(info.join('\r\n'))).to.equal(3.75);
    expect(parseCpuSeconds('# CPU\r\nused_cpu_user:2.0\r\n')).to.be.NaN;
  });
});

describe('cluster topology helpers', () => {
  it('slotRange() splits 16384 slots into contiguous even ranges', () => {
    for (const count of [1, 3, 5, 7]) {
      const ranges = Array.from({ length: count }, (_, i) => slotRange(i, count));
      expect(ranges[0]![0]).to.equal(0);
      expect(ranges.at(-1)![1]).to.equal(16383);
      ranges.slice(1).forEach(([start], i) => expect(start).to.equal(ranges[i]![1] + 1));
      const sizes = ranges.map(([a, b]) => b - a + 1);
      expect(Math.max(...sizes) - Math.min(...sizes)).to.be.at.most(1);
    }
  });

  it('parses CLUSTER SLOTS and CLUSTER NODES', () => {
    const slots = parseClusterSlots([
      [5461, 16383, ['127.0.0.1', 7001, 'b', []], ['127.0.0.1', 7004, 'e', []], ['127.0.0.1', 7003, 'd', []]],
      [0, 5460, ['127.0.0.1', 7000, 'a', []]],
    ]);
    expect(slots).to.deep.equal([
      { start: 0, end: 5460, master: 7000, replicas: [] },
      { start: 5461, end: 16383, master: 7001, replicas: [7003, 7004] },
    ]);
    expect(coveredSlots(slots)).to.equal(16384);
    expect(slotMaster(slots, 5461)).to.equal(7001);
    expect(describeSlotMap(slots)).to.equal('0-5460@7000[] 5461-16383@7001[7003,7004]');
    expect(() => parseClusterSlots('nope')).to.throw(TypeError);

    const nodes = parseClusterNodes(
      'aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460\n' +
        'bbb 127.0.0.1:7003@17003 slave aaa 0 1 1 connected\n',
    );
    expect(nodes).to.deep.equal([
      { id: 'aaa', port: 7000, master: true },
      { id: 'bbb', port: 7003, master: false },
    ]);
  });
});

describe('waitUntil', () => {
  it('resolves once the condition holds', async () => {
    let calls = 0;
    await waitUntil(() => ++calls >= 3, { intervalMs: 1 });
    expect(calls).to.equal(3);
  });

  it('rejects after timeoutMs with the description and the last error', async () => {
    await expect(
      waitUntil(
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 50, intervalMs: 5, description: 'the moon' },
      ),
    ).to.be.rejectedWith(/Timed out after 50 ms waiting for the moon \(last error: still down\)/);
  });
});
