import { expect } from 'chai';
import { replayCommand } from '../src/cli/replayCommand.js';
import { parseCliArgs } from '../src/cli/parseCliArgs.js';
import type { ChaosResult, ChaosRunInfo } from '../src/result.js';

/** A failed result of `run` with a counterexample: all `replayCommand` reads. */
function failed(run: Partial<ChaosRunInfo>): ChaosResult {
  const info: ChaosRunInfo = {
    lock: 'deadbolt',
    backend: 'mock',
    topology: 'single',
    processes: 'inline',
    client: 'ioredis',
    clients: 3,
    clientsPerProcess: 1,
    operations: 30,
    runs: 100,
    ttl: { min: 100, max: 3_000 },
    contention: true,
    limit: 1,
    sharedRatio: 0,
    bounds: 'within',
    faults: ['pause', 'crash'],
    ...run,
  };
  return {
    run: info,
    counterexample: { seed: -42, path: '3:1', replayPath: 'AB' },
  } as unknown as ChaosResult;
}

/** The printed command's arguments, as a shell would split them. */
function argsOf(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').slice(1);
}

describe('replay command: a counterexample replays on the topology and options it was found with', () => {
  it('keeps a mock quorum topology (it replayed on a single master before)', () => {
    const command = replayCommand(failed({ topology: 'quorum3' }), 'deadbolt') ?? '';
    const parsed = parseCliArgs(argsOf(command));
    expect(
      parsed.runs.map((r) => r.options.topology),
      command,
    ).to.deep.equal(['quorum3']);
    expect(command).not.to.include('--processes');
  });

  it('keeps --replica-wait, and the real backend its topology and processes', () => {
    const result = failed({
      backend: 'redis',
      topology: 'replicated',
      processes: 'child',
      faults: ['failover'],
    });
    const command = replayCommand(result, 'deadbolt', 1) ?? '';
    const parsed = parseCliArgs(argsOf(command));
    expect(
      parsed.runs.map((r) => [r.options.topology, r.options.processes, r.replicaWait]),
      command,
    ).to.deep.equal([['replicated', 'child', 1]]);
  });

  it('says nothing of the topology on a single master', () => {
    expect(replayCommand(failed({}), 'naive')).not.to.include('--topology');
  });
});
