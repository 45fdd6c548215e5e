// `pnpm mutation [id...]`: applies each mutant of packages/core/src (mutants.ts) in memory, runs the harness
// battery (battery.ts: mock backend, fixed seeds, 600 schedules) against it in a child process, and reports
// killed and survived mutants. Without ids it runs every mutant and writes docs/mutation.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { BATTERY, cliCommand } from './battery.js';
import { MUTANTS, type Mutant } from './mutants.js';
import { SURVIVOR_NOTES } from './notes.js';
import { runMutant, type MutantOutcome } from './runMutant.js';

const REPORT = fileURLToPath(new URL('../../../../docs/mutation.md', import.meta.url));
const ids = process.argv.slice(2);
const chosen = ids.length === 0 ? MUTANTS : MUTANTS.filter((m) => ids.includes(m.id));
const unknown = ids.filter((id) => !MUTANTS.some((m) => m.id === id));
if (unknown.length > 0)
  throw new Error(`unknown mutant ${unknown.join(', ')}; known: ${MUTANTS.map((m) => m.id).join(', ')}`);

const started = Date.now();
const baseline = await runMutant(undefined);
console.log(`baseline (no mutant): ${baseline.verdict} in ${baseline.ms} ms`);
if (baseline.killedBy !== null) {
  console.error(`the battery is not clean on deadbolt itself: ${JSON.stringify(baseline)}`);
  process.exit(1);
}
const results: { mutant: Mutant; outcome: MutantOutcome }[] = [];
for (const mutant of chosen) {
  const outcome = await runMutant(mutant);
  results.push({ mutant, outcome });
  console.log(
    `${mutant.id}: ${outcome.killedBy === null ? 'SURVIVED' : `killed by ${outcome.killedBy}`} (${outcome.ms} ms)`,
  );
}
const totalMs = Date.now() - started;
const equivalent = results.filter(
  (r) => r.outcome.killedBy === null && SURVIVOR_NOTES[r.mutant.id]?.kind === 'equivalent',
);
const scored = results.filter((r) => !equivalent.includes(r));
const killed = scored.filter((r) => r.outcome.killedBy !== null);
const rate = scored.length === 0 ? 0 : killed.length / scored.length;
console.log(
  `killed ${killed.length} of ${scored.length} non-equivalent mutants (${(100 * rate).toFixed(1)} %), ${equivalent.length} equivalent, ${Math.round(totalMs / 1000)} s`,
);
if (ids.length === 0)
  writeFileSync(REPORT, report(results, killed.length, scored.length, equivalent.length, totalMs));

function report(
  rows: readonly { mutant: Mutant; outcome: MutantOutcome }[],
  killedCount: number,
  scoredCount: number,
  equivalentCount: number,
  ms: number,
): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const how = (o: MutantOutcome): string => {
    if (o.killedBy === null) return 'survived';
    if (o.verdict === 'timeout') return 'killed (timeout)';
    const schedule = /schedule (\d+) of/.exec('summary' in o ? o.summary : '')?.[1];
    const run = BATTERY.find((b) => b.name === o.killedBy);
    const seed = run?.options.seed;
    const invariant = 'summary' in o ? /^FAIL \S+ on [^:]+: (\S+)/.exec(o.summary)?.[1] : undefined;
    return `killed: ${o.killedBy}${seed === undefined ? '' : ` (seed ${seed}${schedule ? `, schedule ${schedule}` : ''})`}, ${invariant ?? o.verdict}`;
  };
  const survivors = rows.filter((r) => r.outcome.killedBy === null);
  return `# Mutation score of the chaos harness

How many realistic bugs in \`packages/core/src\` the chaos harness finds **on its own** (no unit tests), measured by
applying one mutant at a time and running the harness on the mock backend with fixed seeds.

**Harness alone: ${killedCount} of ${scoredCount} non-equivalent mutants killed (${((100 * killedCount) / Math.max(1, scoredCount)).toFixed(1)} %)**; ${equivalentCount} equivalent
mutant(s) left out of the score; ${rows.length} mutants in all. Measured ${new Date().toISOString().slice(0, 10)}, ${Math.round(ms / 1000)} s in all
(load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} at the end, 2 cores).

Reproduce (every mutant, rewrites this file):

\`\`\`sh
pnpm mutation
pnpm mutation acquire-owner-check fence-equal-allowed   # chosen mutants, no report
\`\`\`

The mutants are listed in \`packages/chaos/scripts/mutation/mutants.ts\` (file, search string, replacement, what
it breaks). Each is applied in memory by a module loader hook (\`hook.mjs\`) as the child process loads
\`@deadbolt/core\`: the tree on disk is never edited. A mutant is **killed** when any run of the battery is not a clean
pass (a violation labelled a bug, an inconclusive verdict, or the run throwing); the battery stops at the first.
The battery first runs on the unmutated lock and must pass, else nothing is scored. A fixed sample runs in
\`pnpm test\` (\`packages/chaos/test/mutation.test.ts\`).

## The battery (the harness alone)

Mock backend, shrinking off, in this order (each row is one \`runChaos\` call; the CLI equivalent is
\`deadbolt-chaos --backend mock …\`):

| run | options (CLI) |
| --- | --- |
${BATTERY.map((b) => `| ${b.name} | \`${cliCommand(b)}\` |`).join('\n')}

## Results

| mutant | file | breaks | result |
| --- | --- | --- | --- |
${rows.map(({ mutant, outcome }) => `| \`${mutant.id}\` | ${mutant.file} | ${cell(mutant.breaks)} | ${how(outcome)} |`).join('\n')}

## Survivors

${
  survivors.length === 0
    ? 'None.'
    : survivors
        .map(({ mutant }) => {
          const note = SURVIVOR_NOTES[mutant.id];
          return `- \`${mutant.id}\` (${note?.kind ?? 'unexplained'}): ${note?.why ?? 'not yet explained.'}`;
        })
        .join('\n')
}
`;
}
