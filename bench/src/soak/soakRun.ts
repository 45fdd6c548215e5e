import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RedisServer } from '@deadbolt/testing';
import { describeEnvironment, type Environment } from '../report/environment.js';
import { renderSoak, spliceSoak } from '../report/soakMarkdown.js';
import { WorkerHandle } from '../WorkerHandle.js';
import type { SoakPlan, SoakResult } from './soakTypes.js';

/** The file (next to RESULTS.md) that keeps the last soak, so that a full `pnpm bench` can include it. */
export const SOAK_FILE = 'soak.json';
/** Cycles of `pnpm bench --soak`, and of `--soak --quick` (a check that it runs, not a soak). */
export const SOAK_CYCLES = { full: 1_000_000, quick: 20_000 } as const;
/** A soak of a million cycles on two cores takes minutes; the worker gets this long before it counts as hung. */
const SOAK_TIMEOUT_MS = 30 * 60_000;

/** What soak.json holds: the measurement and how it was made. */
export interface SoakRecord {
  readonly command: string;
  readonly environment: Environment;
  readonly result: SoakResult;
}

/**
 * Runs the soak on a redis-server of its own, in a worker forked with `--expose-gc`, then writes
 * `soak.json` and the Soak section of RESULTS.md in `outDir` (replacing an earlier one, leaving the rest).
 */
export async function runSoakCommand(outDir: string, cycles: number, command: string): Promise<void> {
  const server = await RedisServer.start();
  const worker = WorkerHandle.fork(['--expose-gc']);
  try {
    const environment = await describeEnvironment(server);
    const plan: SoakPlan = {
      redisUrl: server.url,
      cycles,
      concurrency: 64,
      renewing: 8,
      warmupCycles: Math.min(50_000, cycles / 10),
      samples: 10,
    };
    console.log(
      `deadbolt soak: ${cycles.toLocaleString('en-US')} cycles, Redis ${environment.redis} on port ${server.port}, Node ${environment.node}`,
    );
    const { result } = await worker.request({ type: 'soak', ...plan }, 'soaked', SOAK_TIMEOUT_MS);
    const record: SoakRecord = { command, environment, result };
    await writeFile(join(outDir, SOAK_FILE), `${JSON.stringify(record, null, 2)}\n`);
    const markdown = join(outDir, 'RESULTS.md');
    const existing = await readFile(markdown, 'utf8').catch(() => undefined);
    await writeFile(markdown, spliceSoak(existing, renderSoak(record)));
    console.log(`Wrote ${SOAK_FILE} and the Soak section of RESULTS.md in ${outDir}`);
  } finally {
    await worker.stop();
    await server.stop();
  }
}

/** The last soak written to `outDir`, if any. */
export async function readSoak(outDir: string): Promise<SoakRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, SOAK_FILE), 'utf8')) as SoakRecord;
  } catch {
    return undefined;
  }
}
