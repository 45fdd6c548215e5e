// CI recipe (plain node): run the harness, write JUnit XML for the CI's test report, exit 1 on a violation.
// node --import tsx chaos-ci.ts   (or compile it; only @deadbolt/chaos is needed)
import { writeFile } from 'node:fs/promises';
import { deadboltAdapter, renderJUnit, runChaos } from '@deadbolt/chaos';

const runs = Number(process.env['CHAOS_RUNS'] ?? 500);
const result = await runChaos({ lock: deadboltAdapter(), runs });
await writeFile(
  process.env['CHAOS_JUNIT'] ?? 'chaos.xml',
  renderJUnit([{ lock: 'deadbolt', where: 'mock', result }]),
);
console.log(result.summary);
process.exitCode = result.verdict === 'pass' ? 0 : 1;
