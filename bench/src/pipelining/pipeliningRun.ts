import { type BenchRecord, runRecordedCommand } from '../recordedCommand.js';
import { PIPELINING_MARKERS, renderPipelining } from '../report/pipeliningMarkdown.js';
import { spliceRecorded, type RecordedSection } from '../report/recordedSection.js';
import { PIPELINING_VARIANTS, type PipeliningPlan, type PipeliningResult } from './pipeliningTypes.js';

/**
 * `pnpm bench --pipelining`: 64 loops, six rounds of a 2.5 s window per variant (15 s each; about 90 s with the
 * warm-up round); with `--quick` one round of 1 s windows (a check that it runs, not a measurement).
 */
export const PIPELINING_PLANS = {
  full: { loops: 64, rounds: 6, warmupMs: 500, windowMs: 2_500 },
  quick: { loops: 64, rounds: 1, warmupMs: 300, windowMs: 1_000 },
} as const satisfies Record<string, Omit<PipeliningPlan, 'redisUrl'>>;
/** Time allowed per window beyond warm-up and window, for connecting, acquires still in flight and INFO reads. */
const WINDOW_GRACE_MS = 30_000;

/** What pipelining.json holds: the measurement and how it was made. */
export type PipeliningRecord = BenchRecord<PipeliningResult>;

/** The "Concurrent acquires and auto-pipelining" section, kept in pipelining.json next to RESULTS.md. */
export const PIPELINING_SECTION: RecordedSection<PipeliningRecord> = {
  file: 'pipelining.json',
  markers: PIPELINING_MARKERS,
  render: renderPipelining,
};

/**
 * Runs the concurrent-acquires scenario on a redis-server of its own, in one worker, then writes
 * `pipelining.json` and its section of RESULTS.md in `outDir` (replacing an earlier one, keeping the rest).
 */
export function runPipeliningCommand(
  outDir: string,
  plan: Omit<PipeliningPlan, 'redisUrl'>,
  command: string,
): Promise<void> {
  return runRecordedCommand({
    outDir,
    command,
    section: PIPELINING_SECTION,
    title: 'Concurrent acquires and auto-pipelining',
    async measure(worker, server, environment) {
      console.log(
        `deadbolt concurrent acquires: ${plan.loops} loops on one connection, ${plan.rounds} × ${plan.windowMs} ms per variant, Redis ${environment.redis} on port ${server.port}`,
      );
      const windows = plan.rounds * PIPELINING_VARIANTS.length;
      const timeoutMs = windows * (plan.warmupMs + plan.windowMs + WINDOW_GRACE_MS);
      const message = { type: 'pipelining', redisUrl: server.url, ...plan } as const;
      return (await worker.request(message, 'pipelined', timeoutMs)).result;
    },
  });
}

/** Puts the last `--pipelining` run's section (from `outDir`'s pipelining.json, if any) into its RESULTS.md. */
export function splicePipelining(outDir: string): Promise<void> {
  return spliceRecorded(outDir, PIPELINING_SECTION);
}
