import { type BenchRecord, runRecordedCommand } from '../recordedCommand.js';
import { HELD_MARKERS, renderHeld } from '../report/heldMarkdown.js';
import { spliceRecorded, type RecordedSection } from '../report/recordedSection.js';
import type { HeldPlan, HeldResult } from './heldTypes.js';

/** `pnpm bench --held`, and with `--quick` (a few seconds per count: a check that it runs, not a measurement). */
export const HELD_PLANS = {
  full: { counts: [1_000, 10_000, 100_000], ttlMs: 10_000, holdMs: 60_000, throughputMs: 10_000, loops: 16 },
  quick: { counts: [1_000, 10_000, 100_000], ttlMs: 10_000, holdMs: 4_000, throughputMs: 2_000, loops: 16 },
} as const satisfies Record<string, Omit<HeldPlan, 'redisUrl'>>;
const HELD_TIMEOUT_MS = 30 * 60_000;

/** What held.json holds: the measurement and how it was made. */
export type HeldRecord = BenchRecord<HeldResult>;

/** The "Many held locks" section, kept in held.json (next to RESULTS.md) so that a full `pnpm bench` keeps it. */
export const HELD_SECTION: RecordedSection<HeldRecord> = {
  file: 'held.json',
  markers: HELD_MARKERS,
  render: renderHeld,
};

/**
 * Runs the many-held-locks scenario on a redis-server of its own, in a worker forked with `--expose-gc`, then
 * writes `held.json` and the "Many held locks" section of RESULTS.md in `outDir` (replacing an earlier one).
 */
export function runHeldCommand(
  outDir: string,
  plan: Omit<HeldPlan, 'redisUrl'>,
  command: string,
): Promise<void> {
  return runRecordedCommand({
    outDir,
    command,
    section: HELD_SECTION,
    title: 'Many held locks',
    nodeOptions: ['--expose-gc'],
    async measure(worker, server, environment) {
      console.log(
        `deadbolt many held locks: ${plan.counts.join(', ')} locks, ttl ${plan.ttlMs} ms, Redis ${environment.redis} on port ${server.port}`,
      );
      const message = { type: 'held', redisUrl: server.url, ...plan } as const;
      return (await worker.request(message, 'held', HELD_TIMEOUT_MS)).result;
    },
  });
}

/** Puts the last `--held` run's section (from `outDir`'s held.json, if any) into `outDir`'s RESULTS.md. */
export function spliceHeld(outDir: string): Promise<void> {
  return spliceRecorded(outDir, HELD_SECTION);
}
