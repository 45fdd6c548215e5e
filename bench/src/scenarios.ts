import { CONTENDED_WORKLOAD } from './contendedWorkload.js';
import type { LibraryId } from './libraries/LockLibrary.js';
import { MODE_SCENARIOS } from './modeScenarios.js';
import type { RunMode } from './worker/protocol.js';

/** One benchmark scenario: how many clients, where they run, which keys and how long they hold. */
export interface Scenario {
  readonly id:
    | 'uncontended'
    | 'distinct-keys'
    | 'one-key'
    | 'one-key-shared'
    | 'quorum3'
    | 'quorum3-paused'
    | 'semaphore'
    | 'read-write';
  readonly title: string;
  /** The target from the design brief, in words. */
  readonly target: string;
  /** Worker processes. */
  readonly processes: number;
  /** Clients per process, each with its own connection and library instance unless `sharedClient`. */
  readonly clientsPerProcess: number;
  /**
   * Whether the clients of a process share one library instance (one connection, one locker), as an app's
   * concurrent requests share its lock client; otherwise each client has its own.
   */
  readonly sharedClient: boolean;
  /** Whether every client locks the same key (contention) instead of a key of its own. */
  readonly sharedKey: boolean;
  /** How long a client holds each grant, in ms. */
  readonly holdMs: number;
  /**
   * Rounds the measuring time is split into in a full run, the libraries taking turns in rotating order so
   * that drift in machine load hits them alike. Contended runs use one long window: a lock that starves a
   * waiter can only show it when the window is long.
   */
  readonly rounds: number;
  /** Independent masters the clients lock on: 1 = a single Redis, more = Redlock quorum mode. */
  readonly masters: number;
  /** Whether the first master is paused (SIGSTOP) for each whole measured window, resumed at its end. */
  readonly pausedMaster: boolean;
  /** How the clients take their key: one of N permits, or read shares for a fraction of acquires; absent: the mutex. */
  readonly mode?: RunMode;
  /** The libraries measured, in report order. */
  readonly libraries: readonly LibraryId[];
  /** The library every throughput is divided by in the `×` column. */
  readonly baseline: LibraryId;
}

const ALL: readonly LibraryId[] = ['raw', 'deadbolt', 'redlock', 'redis-semaphore'];
/**
 * The uncontended scenarios add the fenced floor (what a fencing token costs at least) and deadbolt on node-redis
 * beside the raw floor on node-redis (what the lock costs on the other client).
 */
const WITH_FENCED: readonly LibraryId[] = [
  'raw',
  'fenced',
  'deadbolt',
  'redlock',
  'redis-semaphore',
  'raw-node-redis',
  'deadbolt-node-redis',
];
/** The contended scenario adds the FIFO floor: what a fair hand-over through Redis costs at least. */
const WITH_FIFO: readonly LibraryId[] = ['raw', 'fifo', 'deadbolt', 'redlock', 'redis-semaphore'];
/** The raw floor has no quorum mode. */
const QUORUM: readonly LibraryId[] = ['deadbolt', 'redlock', 'redis-semaphore'];

/** One client acquiring and releasing a key of its own on one Redis; the base of the other uncontended scenarios. */
const UNCONTENDED: Scenario = {
  id: 'uncontended',
  title: 'Uncontended acquire+release, one client',
  target: 'deadbolt ≥ 0.95 × the raw floor',
  processes: 1,
  clientsPerProcess: 1,
  sharedClient: false,
  sharedKey: false,
  holdMs: 0,
  rounds: 15,
  masters: 1,
  pausedMaster: false,
  libraries: WITH_FENCED,
  baseline: 'raw',
};

/** Quorum on three independent masters, uncontended; also the base of its paused-master variant. */
const QUORUM3: Scenario = {
  ...UNCONTENDED,
  id: 'quorum3',
  title: 'Redlock quorum on 3 independent masters, uncontended, one client',
  target: 'none set; ratios against the peers',
  masters: 3,
  libraries: QUORUM,
  baseline: 'deadbolt',
};

/**
 * The scenarios of the design brief's Performance section that involve only Redis and the lock, and the
 * Redlock quorum scenarios of issue 4 (no target in the brief: ratios against the peers).
 */
export const SCENARIOS: readonly Scenario[] = [
  UNCONTENDED,
  {
    ...UNCONTENDED,
    id: 'distinct-keys',
    title: '64 concurrent clients on distinct keys (4 processes × 16)',
    target: 'deadbolt ≥ 0.95 × the raw floor and ≥ every peer',
    processes: 4,
    clientsPerProcess: 16,
  },
  {
    id: 'one-key',
    title: '16 clients across 4 processes on one key, 5 ms hold',
    target: 'deadbolt utilisation ≥ 0.90; p99 wait ≤ 1.5 × the fair bound (16 × 5 ms = 80 ms)',
    ...CONTENDED_WORKLOAD,
    libraries: WITH_FIFO,
    baseline: 'raw',
  },
  {
    id: 'one-key-shared',
    title: 'One lock client per process: 16 clients across 4 processes on one key, 5 ms hold',
    target:
      'none set (the one-key target is judged with a connection per client); how a hand-over inside one process compares',
    ...CONTENDED_WORKLOAD,
    sharedClient: true,
    // Without the FIFO floor: it blocks its connection in BLPOP, so its clients cannot share one.
    libraries: ALL,
    baseline: 'raw',
  },
  QUORUM3,
  {
    ...QUORUM3,
    id: 'quorum3-paused',
    title: 'Redlock quorum on 3 masters with one master paused (SIGSTOP), one client',
    target: 'none set; acquire latency should not include the paused master’s stall',
    pausedMaster: true,
  },
  ...MODE_SCENARIOS,
];

/** The scenarios `--scenario id` selects: the one with that id, and its variants (`quorum3` → `quorum3-paused`). */
export function selectScenarios(ids: readonly string[]): Scenario[] {
  return SCENARIOS.filter(
    (s) => ids.length === 0 || ids.some((id) => s.id === id || s.id.startsWith(`${id}-`)),
  );
}

/** Total clients of a scenario. */
export function clientCount(scenario: Scenario): number {
  return scenario.processes * scenario.clientsPerProcess;
}

/** Permits of the scenario's key: its semaphore limit, else 1 (a mutex, or a read-write lock's writer). */
export function permitsOf(scenario: Scenario): number {
  return scenario.mode?.limit ?? 1;
}

/**
 * The fair bound on a waiter's wait, in ms. Served in arrival order with L permits, a client that joins the
 * queue behind the other C − L waiters is granted after at most ⌈(C − L) ÷ L⌉ holds, plus the hand-overs'
 * round trips, for which the bound allows one more hold: ⌈C ÷ L⌉ × hold. With one permit that is C × hold
 * (every other client holds once before it, and one hold's worth for the hand-overs).
 */
export function fairBoundMs(scenario: Scenario): number {
  return Math.ceil(clientCount(scenario) / permitsOf(scenario)) * scenario.holdMs;
}

/** Whether the scenario mixes read shares with exclusive acquires (no single-holder utilisation or fair bound). */
export function isReadWrite(scenario: Scenario): boolean {
  return scenario.mode?.sharedRatio !== undefined;
}

/** The key each client of worker `worker` locks in the phase `phase`. */
export function scenarioKeys(scenario: Scenario, phase: string, worker: number): string[] {
  return Array.from({ length: scenario.clientsPerProcess }, (_, client) =>
    scenario.sharedKey
      ? `bench:${scenario.id}:${phase}`
      : `bench:${scenario.id}:${phase}:${worker}:${client}`,
  );
}
