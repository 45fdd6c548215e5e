// The release, short of publishing: stage the packages, let changesets version them and write their changelogs,
// pack them, inspect every tarball, and install them with npm in clean apps where smoke checks run against a
// real Redis.
import { join } from 'node:path';
import { RedisServer } from '@deadbolt/testing';
import { consumerPlans, type ConsumerPlan } from './consumers.js';
import { createNpmConsumer } from './npmConsumer.js';
import { inspectTarball } from './inspectTarball.js';
import { packStage, type Tarball } from './packStage.js';
import { pendingChangesets, stageRelease, versionStage, type Stage } from './stage.js';

/** How many apps install and run at once. */
const PARALLEL_APPS = 3;

/** Folder of the smoke programs copied into every app. */
const SMOKE = join(import.meta.dirname, 'smoke');

/** The outcome of one smoke run. */
export interface SmokeOutcome {
  readonly label: string;
  readonly entry: string;
  /** `pass`; `known` when it failed exactly as its plan expects; `fail` otherwise. */
  readonly result: 'pass' | 'known' | 'fail';
  readonly detail: string;
}

/** What a dry run found. */
export interface DryRunReport {
  readonly stage: Stage;
  readonly changesets: readonly string[];
  readonly tarballs: readonly Tarball[];
  /** Problems per tarball file name. */
  readonly problems: ReadonlyMap<string, readonly string[]>;
  readonly smoke: readonly SmokeOutcome[];
  readonly ok: boolean;
}

/** Called with a line of progress. */
export type Log = (line: string) => void;

async function runPlan(
  plan: ConsumerPlan,
  tarballs: readonly Tarball[],
  redisUrl: string,
): Promise<SmokeOutcome[]> {
  const chosen = tarballs.filter((t) => plan.packages.includes(t.name));
  const app = await createNpmConsumer(chosen, plan.thirdParty, SMOKE);
  try {
    const outcomes: SmokeOutcome[] = [];
    for (const entry of plan.entries) {
      const { code, stdout, stderr } = await app.node(join('smoke', entry), [plan.check], {
        REDIS_URL: redisUrl,
      });
      const output = `${stdout}${stderr}`.trim();
      const known = plan.knownFailure;
      const result =
        code === 0
          ? known === undefined
            ? 'pass'
            : 'fail'
          : known !== undefined && output.includes(known.output)
            ? 'known'
            : 'fail';
      const detail =
        result === 'fail' && code === 0
          ? `passes now: remove its knownFailure from scripts/release/consumers.ts (${known?.why ?? ''})`
          : result === 'known'
            ? `known failure: ${known?.why ?? ''}`
            : output;
      outcomes.push({ label: plan.label, entry, result, detail });
    }
    return outcomes;
  } finally {
    await app.remove();
  }
}

/**
 * Runs the dry run. With `version` (the default), pending changesets are applied in the stage first, as
 * `pnpm changeset version` would apply them before a release.
 */
export async function dryRun(log: Log, { version = true } = {}): Promise<DryRunReport> {
  const changesets = await pendingChangesets();
  const stage = await stageRelease();
  log(`staged ${stage.packages.length} packages in ${stage.dir}`);
  if (version && changesets.length > 0) {
    await versionStage(stage);
    log(`changeset version applied ${changesets.join(', ')}`);
  }
  const tarballs = await packStage(stage);
  const released = new Set(tarballs.map((t) => t.name));
  const problems = new Map<string, readonly string[]>();
  for (const tarball of tarballs) {
    const found = await inspectTarball(tarball, released);
    problems.set(tarball.file, found);
    log(
      `${tarball.name}@${tarball.manifest.version}: ${found.length === 0 ? 'tarball ok' : found.join('; ')}`,
    );
  }
  const server = await RedisServer.start();
  const smoke: SmokeOutcome[] = [];
  try {
    // Apps install in parallel (mostly waiting on npm); each reports once all of its runs are done.
    const plans = consumerPlans(tarballs);
    const results: SmokeOutcome[][] = [];
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < plans.length; index = next++) {
        const plan = plans[index];
        if (plan === undefined) continue;
        const outcomes = await runPlan(plan, tarballs, server.url);
        results[index] = outcomes;
        for (const { result, label, entry, detail } of outcomes)
          log(`${result.padEnd(5)} ${label} (${entry})${result === 'pass' ? '' : `: ${detail}`}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_APPS }, worker));
    smoke.push(...results.flat());
  } finally {
    await server.stop();
  }
  const ok =
    [...problems.values()].every((found) => found.length === 0) && smoke.every((s) => s.result !== 'fail');
  return { stage, changesets, tarballs, problems, smoke, ok };
}
