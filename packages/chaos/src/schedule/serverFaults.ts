import fc from 'fast-check';
import type { ChaosWorld } from '../world/ChaosWorld.js';
import type { ScheduleShape } from './commands.js';
import { hit } from './hit.js';
import { Step } from './Step.js';

/**
 * The real-backend faults: `reset` (a client's connections are cut), `redisStall` (a node SIGSTOPped for up to
 * 2 × ttl; deadbolt promises to stay safe: a late grant is dropped and a holder is told before its lease ends) and
 * `redisRestart` (a node comes back empty: beyond the bounds of any lock without persistence).
 *
 * @example
 * ```ts
 * fc.commands([...serverFaultCommands({ clients: 3, ttl: 500, faults: ['redisStall'], bounds: 'within', driftFactor: 0.01 })])
 * ```
 */
export function serverFaultCommands(shape: ScheduleShape): fc.Arbitrary<Step>[] {
  const out: fc.Arbitrary<Step>[] = [];
  const node = fc.nat(Math.max(0, (shape.nodes ?? 1) - 1));
  if (shape.faults.includes('reset')) {
    out.push(
      fc.nat(shape.clients - 1).map((i) => new Step(`reset(c${i})`, (w) => resetClient(w, i), 'reset')),
    );
  }
  if (shape.faults.includes('redisStall')) {
    out.push(
      fc
        .tuple(node, fc.integer({ min: 1, max: 2 * shape.ttl }))
        .map(([n, ms]) => new Step(`redisStall(n${n}, ${ms})`, (w) => stall(w, n, ms), 'redisStall')),
    );
  }
  if (shape.faults.includes('redisRestart')) {
    out.push(node.map((n) => new Step(`redisRestart(n${n})`, (w) => restart(w, n), 'redisRestart')));
  }
  return out;
}

function resetClient(world: ChaosWorld, i: number): void {
  if (!world.clients[i]?.connection.reset) return;
  hit(world, i, { kind: 'reset', beyond: false }, ({ connection }) => connection.reset?.());
}

function stall(world: ChaosWorld, node: number, ms: number): void {
  if (!world.server) return;
  world.history.fault({ kind: 'redisStall', node, duration: ms, beyond: false });
  world.server.stall(node, ms);
}

async function restart(world: ChaosWorld, node: number): Promise<void> {
  if (!world.server) return;
  world.history.fault({ kind: 'redisRestart', node, duration: 0, beyond: true });
  await world.server.restart(node);
}
