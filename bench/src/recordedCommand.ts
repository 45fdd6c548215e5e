import { RedisServer } from '@deadbolt/testing';
import { describeEnvironment, type Environment } from './report/environment.js';
import { writeRecorded, type RecordedSection } from './report/recordedSection.js';
import { WorkerHandle } from './WorkerHandle.js';

/** What a command of its own (`--held`, `--pipelining`) keeps in its JSON file: the measurement and how it was made. */
export interface BenchRecord<R> {
  readonly command: string;
  readonly environment: Environment;
  readonly result: R;
}

/** How {@link runRecordedCommand} runs one such command. */
export interface RecordedCommand<R> {
  /** The directory of RESULTS.md and the JSON file. */
  readonly outDir: string;
  /** How the run was started, for the report. */
  readonly command: string;
  readonly section: RecordedSection<BenchRecord<R>>;
  /** The section's title, for the console. */
  readonly title: string;
  /** Node flags of the worker, such as `--expose-gc`. */
  readonly nodeOptions?: readonly string[];
  /** Runs the measurement in `worker` against `server` and resolves with its result. */
  readonly measure: (worker: WorkerHandle, server: RedisServer, environment: Environment) => Promise<R>;
}

/**
 * Runs a scenario that has a section of its own on a redis-server of its own, in one forked worker, then writes
 * its JSON file and its section of RESULTS.md in `outDir` (replacing an earlier one, keeping the rest).
 *
 * @example
 * ```ts
 * await runRecordedCommand({ outDir, command, section: HELD_SECTION, title: 'Many held locks',
 *   nodeOptions: ['--expose-gc'], measure: (worker, server) => measureHeld(worker, server, plan) })
 * ```
 */
export async function runRecordedCommand<R>(run: RecordedCommand<R>): Promise<void> {
  const server = await RedisServer.start();
  const worker = WorkerHandle.fork(run.nodeOptions);
  try {
    const environment = await describeEnvironment(server);
    const result = await run.measure(worker, server, environment);
    await writeRecorded(run.outDir, run.section, { command: run.command, environment, result });
    console.log(`Wrote ${run.section.file} and the ${run.title} section of RESULTS.md in ${run.outDir}`);
  } finally {
    await worker.stop();
    await server.stop();
  }
}
