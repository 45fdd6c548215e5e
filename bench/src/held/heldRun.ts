import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RedisServer } from '@deadbolt/testing';
import { describeEnvironment, type Environment } from '../report/environment.js';
import { HELD_MARKERS, renderHeld } from '../report/heldMarkdown.js';
import { spliceSection } from '../report/spliceSection.js';
import { WorkerHandle } from '../WorkerHandle.js';
import type { HeldPlan, HeldResult } from './heldTypes.js';

/** The file (next to RESULTS.md) that keeps the last many-held-locks run, so a full `pnpm bench` keeps it. */
export const HELD_FILE = 'held.json';
/** `pnpm bench --held`, and with `--quick` (a few seconds per count: a check that it runs, not a measurement). */
export const HELD_PLANS = {
  full: { counts: [1_000, 10_000, 100_000], ttlMs: 10_000, holdMs: 60_000, throughputMs: 10_000, loops: 16 },
  quick: { counts: [1_000, 10_000, 100_000], ttlMs: 10_000, holdMs: 4_000, throughputMs: 2_000, loops: 16 },
} as const satisfies Record<string, Omit<HeldPlan, 'redisUrl'>>;
const HELD_TIMEOUT_MS = 30 * 60_000;

/** What held.json holds: the measurement and how it was made. */
export interface HeldRecord {
  readonly command: string;
  readonly environment: Environment;
  readonly result: HeldResult;
}

/**
 * Runs the many-held-locks scenario on a redis-server of its own, in a worker forked with `--expose-gc`, then
 * writes `held.json` and the "Many held locks" section of RESULTS.md in `outDir` (replacing an earlier one).
 */
export async function runHeldCommand(
  outDir: string,
  plan: Omit<HeldPlan, 'redisUrl'>,
  command: string,
): Promise<void> {
  const server = await RedisServer.start();
  const worker = WorkerHandle.fork(['--expose-gc']);
  try {
    const environment = await describeEnvironment(server);
    console.log(
      `deadbolt many held locks: ${plan.counts.join(', ')} locks, ttl ${plan.ttlMs} ms, Redis ${environment.redis} on port ${server.port}`,
    );
    const { result } = await worker.request(
      { type: 'held', redisUrl: server.url, ...plan },
      'held',
      HELD_TIMEOUT_MS,
    );
    const record: HeldRecord = { command, environment, result };
    await writeFile(join(outDir, HELD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await spliceHeld(outDir, record);
    console.log(`Wrote ${HELD_FILE} and the Many held locks section of RESULTS.md in ${outDir}`);
  } finally {
    await worker.stop();
    await server.stop();
  }
}

/** Puts the section of `record` (default: the one in `outDir`'s held.json, if any) into `outDir`'s RESULTS.md. */
export async function spliceHeld(outDir: string, record?: HeldRecord): Promise<void> {
  const held = record ?? (await readHeld(outDir));
  if (!held) return;
  const markdown = join(outDir, 'RESULTS.md');
  const existing = await readFile(markdown, 'utf8').catch(() => undefined);
  await writeFile(markdown, spliceSection(existing, renderHeld(held), HELD_MARKERS));
}

async function readHeld(outDir: string): Promise<HeldRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, HELD_FILE), 'utf8')) as HeldRecord;
  } catch {
    return undefined;
  }
}
