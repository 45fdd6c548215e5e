// `pnpm mutation [id...]`: applies each mutant of packages/core/src (mutants.ts) in memory, runs the harness
// battery (battery.ts: mock backend, fixed seeds) against it in a child process, and reports killed and survived
// mutants. Without ids it runs every mutant and writes docs/mutation.json (the outcomes) and docs/mutation.md.
// `pnpm mutation --report` writes docs/mutation.md again from docs/mutation.json and the current notes.ts.
// `pnpm mutation --only id,id [--runs run,run]` runs the battery on the unmutated lock and the chosen mutants (on the
// named runs only, default all), and merges their outcomes into docs/mutation.json (the other mutants' are kept;
// the re-run is recorded under `reruns`), then writes docs/mutation.md: for after the battery grew by appended runs.
// On a loaded machine DEADBOLT_MUTATION_TIMEOUT_MS raises the time each child may take (default 300000).
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MUTANTS } from './mutants.js';
import { BATTERY } from './battery.js';
import { renderReport, scoreOf, type MeasuredRun } from './report.js';
import { runMutant } from './runMutant.js';

const RESULTS = fileURLToPath(new URL('../../../../docs/mutation.json', import.meta.url));
const REPORT = fileURLToPath(new URL('../../../../docs/mutation.md', import.meta.url));
const args = process.argv.slice(2);
/** The comma-separated values after `flag`, or undefined when it is not given. */
const listAfter = (flag: string): string[] | undefined => {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : (args[at + 1] ?? '').split(',').filter((v) => v !== '');
};
const only = listAfter('--only');
const runs = listAfter('--runs') ?? [];
const ids = only ?? args;

if (ids[0] === '--report') {
  writeFileSync(REPORT, renderReport(JSON.parse(readFileSync(RESULTS, 'utf8')) as MeasuredRun));
  process.exit(0);
}
const unknown = ids.filter((id) => !MUTANTS.some((m) => m.id === id));
if (unknown.length > 0)
  throw new Error(`unknown mutant ${unknown.join(', ')}; known: ${MUTANTS.map((m) => m.id).join(', ')}`);
const unknownRuns = runs.filter((name) => !BATTERY.some((b) => b.name === name));
if (unknownRuns.length > 0) throw new Error(`unknown battery run ${unknownRuns.join(', ')}`);
const timeoutMs = Number(process.env.DEADBOLT_MUTATION_TIMEOUT_MS ?? 300_000);
const chosen = ids.length === 0 ? MUTANTS : MUTANTS.filter((m) => ids.includes(m.id));

const started = Date.now();
const baseline = await runMutant(undefined, [], { timeoutMs });
console.log(`baseline (no mutant): ${baseline.verdict} in ${baseline.ms} ms`);
if (baseline.killedBy !== null) {
  console.error(`the battery is not clean on deadbolt itself: ${JSON.stringify(baseline)}`);
  process.exit(1);
}
const run: MeasuredRun = {
  date: new Date().toISOString().slice(0, 10),
  ms: 0,
  loadavg: [],
  baselineMs: baseline.ms,
  results: [],
};
for (const mutant of chosen) {
  const outcome = await runMutant(mutant, runs, { timeoutMs });
  run.results.push({ id: mutant.id, outcome });
  console.log(
    `${mutant.id}: ${outcome.killedBy === null ? 'SURVIVED' : `killed by ${outcome.killedBy}`} (${outcome.ms} ms)`,
  );
}
run.ms = Date.now() - started;
run.loadavg = loadavg().map((l) => Number(l.toFixed(2)));
const { killed, scored, equivalent } = scoreOf(run);
console.log(
  `killed ${killed} of ${scored} non-equivalent mutants (${((100 * killed) / Math.max(1, scored)).toFixed(1)} %), ${equivalent} equivalent, ${Math.round(run.ms / 1000)} s`,
);
if (only !== undefined) {
  const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as MeasuredRun;
  const results = saved.results.map((r) => run.results.find((n) => n.id === r.id) ?? r);
  for (const r of run.results) if (!results.some((s) => s.id === r.id)) results.push(r);
  const rerun = { date: run.date, ids, runs, ms: run.ms, loadavg: run.loadavg, baselineMs: run.baselineMs };
  const merged: MeasuredRun = { ...saved, results, reruns: [...(saved.reruns ?? []), rerun] };
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(REPORT, renderReport(merged));
} else if (ids.length === 0) {
  writeFileSync(RESULTS, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(REPORT, renderReport(run));
}
