import type { History } from '../history/History.js';
import type { FaultEvent, OpEvent } from '../history/events.js';
import { tokenOwners } from './leases.js';
import type { Finding } from './Violation.js';

/** Client faults that cannot hold, fail, delay or drop a command: they leave every master reachable. */
const NOT_CUTTING = new Set(['lostWakeup']);

/** Faults that stay armed until they hit (a lost reply takes the next command's) or for good (a crash). */
const UNTIL_THE_END = new Set(['lostReply', 'crash']);

/**
 * S12 clean give-up: an acquire that returns no lock (refused busy, timed out, aborted, failed) leaves no entry of
 * its token (lease, queue or holders entry) on any reachable master at the instant it returns. Observed on the mock
 * backend, where the stores are read synchronously as the answer is recorded (`OpEvent.left`, tokens that the
 * acquire's process first put there since it began and that no grant ever carried). A master is reachable unless a
 * fault could have held, failed, delayed or dropped a command between them during the acquire: a fault of the
 * acquire's client (any but a lost wake-up) or of the harness's host makes every master unreachable; a server fault
 * (`redisStall`, failover, restart) the one it hit, or all when it names none; and the observation leaves out a
 * master that one of the process's commands reached after a command sent later (the mock scheduler's order, which
 * no Redis connection allows: an attempt may land after its clean-up). A clean-up still in flight on a healthy
 * master when the acquire returned is a violation. An acquire whose process had another acquire in flight
 * meanwhile (`clientsPerProcess`) is left out: the tokens of the two cannot be told apart.
 *
 * @example
 * ```ts
 * checkCleanGiveUp(history) // [{ invariant: 'S12', ... }] for a timed-out acquire whose queue entry stayed on a master
 * ```
 */
export function checkCleanGiveUp(history: History): Finding[] {
  const granted = tokenOwners(history.events);
  const processOf = (client: number): number => history.params.processOf?.[client] ?? client;
  const acquires = history.events.filter((e): e is OpEvent => e.type === 'op' && e.op === 'acquire');
  const faults = history.events.filter((e): e is FaultEvent => e.type === 'fault');
  const out: Finding[] = [];
  for (const op of acquires) {
    const { left, tRes } = op;
    if (left === undefined || tRes === undefined || op.result === 'ok') continue;
    const shared = acquires.some(
      (other) =>
        other !== op &&
        processOf(other.client) === processOf(op.client) &&
        other.tInv <= tRes &&
        (other.tRes ?? Infinity) >= op.tInv,
    );
    if (shared) continue;
    const cut = faults.filter((f) => during(f, op) && cutsOff(f, op.client));
    if (cut.some((f) => f.node === undefined)) continue;
    const stays = left.filter((e) => !granted.has(e.token) && !cut.some((f) => f.node === e.node));
    if (stays.length === 0) continue;
    const where = stays.map((e) => `${e.key} on master ${e.node}`).join(', ');
    out.push({
      invariant: 'S12',
      clients: [op.client],
      at: tRes,
      message:
        `c${op.client}'s acquire returned no lock (${op.result}${op.error === undefined ? '' : `: ${op.error}`}) at ` +
        `${tRes}, invoked at ${op.tInv}, while its token ${stays[0]?.token ?? ''} still had entries on reachable ` +
        `masters: ${where}`,
    });
  }
  return out;
}

/** Whether fault `f` was active at some point of `op`'s run. */
function during(f: FaultEvent, op: OpEvent): boolean {
  const end = op.tRes ?? Infinity;
  return f.t <= end && (UNTIL_THE_END.has(f.kind) || f.t + (f.duration ?? 0) >= op.tInv);
}

/** Whether `f` could cut `client` off from a master: its own fault, the host's, or a server fault (any master). */
function cutsOff(f: FaultEvent, client: number): boolean {
  if (f.kind === 'hostStall' || f.client === undefined) return true;
  return f.client === client && !NOT_CUTTING.has(f.kind);
}
