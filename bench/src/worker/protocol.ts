import type { LibraryId } from '../libraries/LockLibrary.js';

/** Opens `clients` clients of one library in the worker (each its own connection). */
export interface OpenMessage {
  readonly type: 'open';
  readonly library: LibraryId;
  readonly redisUrl: string;
  readonly clients: number;
}

/**
 * Runs every client in a loop of acquire → hold → release on its key, from `startAt` until `endAt`
 * (epoch ms, see {@link epochNow}). Acquires still waiting at `endAt` finish, then release at once.
 */
export interface RunMessage {
  readonly type: 'run';
  /** One key per client. */
  readonly keys: readonly string[];
  readonly holdMs: number;
  readonly startAt: number;
  readonly endAt: number;
}

/** Closes the open clients. */
export interface CloseMessage {
  readonly type: 'close';
}

/** Messages from the benchmark to a worker process. */
export type ToWorker = OpenMessage | RunMessage | CloseMessage;

/** What one worker measured in one run. */
export interface WorkerResult {
  /** Time from calling acquire to holding, in ms, for every acquire started inside the window. */
  readonly waits: number[];
  /** Grants received inside the window. */
  readonly grantsInWindow: number;
  /** Grants received inside the window, per client of this worker. */
  readonly grantsPerClient: number[];
  /** Every grant of the run, including those of acquires still waiting when the window closed. */
  readonly grantsTotal: number;
  /** Σ hold time inside the window, in ms. */
  readonly heldMs: number;
  /** Acquires or releases that failed. */
  readonly errors: number;
  /** The first failure's message, if any. */
  readonly firstError?: string;
  /** Redis commands this worker's connections sent during the run (round trips). */
  readonly commandsSent: number;
}

/** Replies of a worker, one per message it received. */
export type FromWorker =
  | { readonly type: 'opened' }
  | { readonly type: 'finished'; readonly result: WorkerResult }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string };

/** Wall-clock time in ms with sub-ms resolution, comparable across processes on one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
