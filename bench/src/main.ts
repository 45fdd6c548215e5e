/**
 * `pnpm bench`: deadbolt, redlock, redis-semaphore and the raw floor side by side on a redis-server of its
 * own, in the scenarios of the design brief; writes RESULTS.md and results.svg. See `--help`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { RedisServer } from '@deadbolt/testing';
import { parseCli, USAGE, type CliOptions } from './cli.js';
import { LIBRARIES } from './libraries/libraries.js';
import { measureRun } from './measureRun.js';
import { scenarioLine } from './progress.js';
import { renderChart } from './report/chart.js';
import { describeEnvironment } from './report/environment.js';
import { renderMarkdown } from './report/markdown.js';
import type { ScenarioResult } from './results.js';
import { runScenario } from './runScenario.js';
import { clientCount, SCENARIOS } from './scenarios.js';
import { WorkerHandle } from './WorkerHandle.js';

const CHART_FILE = 'results.svg';

async function main(options: CliOptions): Promise<void> {
  const server = await RedisServer.start();
  const workers = Array.from({ length: Math.max(...SCENARIOS.map((s) => s.processes)) }, () =>
    WorkerHandle.fork(),
  );
  try {
    const environment = await describeEnvironment(server);
    console.log(
      `deadbolt bench: Redis ${environment.redis} on port ${server.port}, Node ${environment.node}`,
    );
    await warmUpWorkers(server, workers, options.timing.warmupMs);
    const results: ScenarioResult[] = [];
    const chosen = SCENARIOS.filter(
      (s) => options.scenarios.length === 0 || options.scenarios.includes(s.id),
    );
    if (chosen.length === 0) throw new Error(`No scenario matches ${options.scenarios.join(', ')}`);
    for (const [index, scenario] of chosen.entries()) {
      console.log(scenarioLine(scenario, index, chosen.length));
      const log = (line: string): void => console.log(line);
      results.push(
        await runScenario({ server, workers, scenario, libraries: LIBRARIES, timing: options.timing, log }),
      );
    }
    await writeReport(options, {
      environment,
      results,
      timing: options.timing,
      command: commandLine(options),
      chartFile: CHART_FILE,
    });
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await server.stop();
  }
}

/**
 * Runs every library once in the largest scenario without recording it, so that no library pays for the
 * workers' cold start (module loading, JIT) in its first measured window.
 */
async function warmUpWorkers(
  server: RedisServer,
  workers: readonly WorkerHandle[],
  warmupMs: number,
): Promise<void> {
  const scenario = SCENARIOS.reduce((largest, s) => (clientCount(s) > clientCount(largest) ? s : largest));
  for (const library of LIBRARIES) {
    await measureRun({ server, workers, scenario, library, warmupMs, windowMs: warmupMs });
  }
  console.log('Workers warmed up');
}

async function writeReport(options: CliOptions, report: Parameters<typeof renderMarkdown>[0]): Promise<void> {
  await mkdir(options.outDir, { recursive: true });
  const markdown = join(options.outDir, 'RESULTS.md');
  await writeFile(markdown, renderMarkdown(report));
  await writeFile(join(options.outDir, CHART_FILE), renderChart(report.results));
  console.log(`Wrote ${relative(process.cwd(), markdown) || markdown} and ${CHART_FILE}`);
}

/** How this run was started, for the report. */
function commandLine(options: CliOptions): string {
  const args = options.args.length > 0 ? ` ${options.args.join(' ')}` : '';
  return process.env['npm_lifecycle_event'] === 'bench'
    ? `pnpm bench${args}`
    : `node --import=tsx --conditions=source bench/src/main.ts${args}`;
}

try {
  const options = parseCli(process.argv.slice(2));
  if (options === 'help') console.log(USAGE);
  else await main(options);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
