import fc from 'fast-check';
import type { ChaosClient } from '../world/ChaosClient.js';
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
  const client = fc.nat(shape.clients - 1);
  if (shape.faults.includes('reset')) {
    out.push(client.map((i) => new Step(`reset(c${i})`, (w) => resetClient(w, i), 'reset')));
  }
  if (shape.faults.includes('redisStall')) {
    out.push(
      fc
        .tuple(node, fc.integer({ min: 1, max: 2 * shape.ttl }))
        .map(([n, ms]) => new Step(`redisStall(n${n}, ${ms})`, (w) => stall(w, n, ms), 'redisStall')),
    );
  }
  if (shape.faults.includes('redisStallOnWait')) {
    const onWait = fc
      .tuple(
        client,
        fc.integer({ min: 1, max: shape.ttl }),
        node,
        fc.integer({ min: shape.ttl, max: 4 * shape.ttl }),
      )
      .map(
        ([i, wait, n, ms]) =>
          new Step(
            `redisStallOnWait(c${i}, wait=${wait}, n${n}, ${ms})`,
            (w) => stallOnWait(w, i, wait, n, ms),
            'redisStallOnWait',
          ),
      );
    // Drawn thrice as often as one fault: only a client's first wait of a schedule makes a new SUBSCRIBE.
    out.push(onWait, onWait, onWait);
  }
  if (shape.faults.includes('dropInFlight')) {
    // Held longer than a command timeout (so the lock gives the attempt up) and shorter than half a ttl.
    const hold = fc.integer({ min: 250, max: Math.max(250, Math.floor(shape.ttl / 2)) });
    out.push(
      fc
        .tuple(client, fc.integer({ min: 0, max: shape.ttl }), hold)
        .map(
          ([i, wait, ms]) =>
            new Step(
              `dropInFlight(c${i}, wait=${wait}, ${ms})`,
              (w) => dropInFlight(w, i, wait, ms),
              'dropInFlight',
            ),
        ),
    );
  }
  if (shape.faults.includes('failover')) {
    out.push(
      fc
        .integer({ min: 0, max: shape.ttl })
        .map((ms) => new Step(`failover(${ms})`, (w) => failover(w, ms), 'failover')),
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

/**
 * While another client holds the lock, client `i` starts an acquire that may wait `wait` ms, and node `node` is
 * SIGSTOPped for `ms` the moment the reply to its first attempt (refused) leaves Redis, before the client reads it.
 */
async function stallOnWait(
  world: ChaosWorld,
  i: number,
  wait: number,
  node: number,
  ms: number,
): Promise<void> {
  const c = world.clients[i];
  if (!world.server || !c || c.crashed || c.held || c.acquiringSince !== undefined) return;
  if (!(await someoneHolds(world, c))) return;
  c.connection.faults.afterReply = () => stall(world, node, ms);
  c.acquire(wait);
}

/** Whether a client other than `c` holds the lock, after letting an idle one try once if none did. */
async function someoneHolds(world: ChaosWorld, c: ChaosClient): Promise<boolean> {
  if (world.clients.some((other) => other.held)) return true;
  const other = world.clients.find((o) => o !== c && !o.crashed && o.acquiringSince === undefined);
  if (!other) return false;
  other.acquire(0);
  for (let waited = 0; waited < HOLDER_WAIT_MS && other.acquiringSince !== undefined; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return other.held !== undefined;
}

/** How long `redisStallOnWait` waits for a holder it asked for, in ms (real time). */
const HOLDER_WAIT_MS = 1_000;

/** Client `i` starts an acquire whose request is cut off from its reply; its reconnection is held for `ms`. */
function dropInFlight(world: ChaosWorld, i: number, wait: number, ms: number): void {
  const c = world.clients[i];
  if (!c?.connection.reset || c.crashed || c.held || c.acquiringSince !== undefined) return;
  c.fault({ kind: 'dropInFlight', duration: ms, beyond: false });
  c.connection.faults.cutAfterRequest = ms;
  c.acquire(wait);
}

/**
 * Fails the master over to its replica after holding replication back for `ms`: within the bounds of a lock that
 * confirms grants on the replica, beyond them otherwise (see `LockAdapter.replicaConfirmed`).
 */
function failover(world: ChaosWorld, ms: number): void {
  if (!world.server?.failover?.(ms)) return;
  const beyond = world.history.params.replicaConfirmed !== true;
  world.history.fault({ kind: 'failover', node: 0, duration: ms, beyond });
}

async function restart(world: ChaosWorld, node: number): Promise<void> {
  if (!world.server) return;
  world.history.fault({ kind: 'redisRestart', node, duration: 0, beyond: true });
  await world.server.restart(node);
}
