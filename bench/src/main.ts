/**
 * `pnpm bench`: deadbolt, redlock, redis-semaphore and the raw floor side by side on a redis-server of its
 * own (three independent ones for the quorum scenarios), in the scenarios of the design brief, the semaphore and
 * read-write lock of issue 21, and the Express/Koa/Fastify/Hono middleware overhead; writes RESULTS.md and results.svg. `pnpm bench --soak` runs the soak
 * instead, `--held` the many-held-locks scenario, `--pipelining` the concurrent acquires with and without
 * auto-pipelining. See `--help`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { RedisMasters, RedisServer } from '@deadbolt/testing';
import { parseCli, USAGE, type CliOptions } from './cli.js';
import { LIBRARIES } from './libraries/libraries.js';
import { measureRun } from './measureRun.js';
import { selectFrameworks } from './middleware/frameworks.js';
import { runMiddleware, type MiddlewareResult } from './middleware/runMiddleware.js';
import { scenarioLine } from './progress.js';
import { renderChart } from './report/chart.js';
import { describeEnvironment } from './report/environment.js';
import { renderMarkdown } from './report/markdown.js';
import type { ScenarioResult } from './results.js';
import { runScenario } from './runScenario.js';
import { clientCount, SCENARIOS, selectScenarios } from './scenarios.js';
import { HELD_PLANS, runHeldCommand, spliceHeld } from './held/heldRun.js';
import { PIPELINING_PLANS, runPipeliningCommand, splicePipelining } from './pipelining/pipeliningRun.js';
import { readSoak, runSoakCommand, SOAK_CYCLES } from './soak/soakRun.js';
import { WorkerHandle } from './WorkerHandle.js';

const CHART_FILE = 'results.svg';
/** The `--scenario` id of the middleware overhead scenario. */
const MIDDLEWARE_ID = 'middleware';

async function main(options: CliOptions): Promise<void> {
  const unknown = options.scenarios.filter(
    (id) => id !== MIDDLEWARE_ID && selectScenarios([id]).length === 0,
  );
  if (unknown.length > 0) throw new Error(`No scenario matches ${unknown.join(', ')}\n${USAGE}`);
  const chosen = selectScenarios(options.scenarios);
  const frameworks = selectFrameworks(options.frameworks);
  const middleware = options.scenarios.length === 0 || options.scenarios.includes(MIDDLEWARE_ID);
  const server = await RedisServer.start();
  const masters = chosen.some((s) => s.masters > 1) ? await RedisMasters.start(3) : undefined;
  const workers = Array.from({ length: Math.max(1, ...chosen.map((s) => s.processes)) }, () =>
    WorkerHandle.fork(),
  );
  try {
    const environment = await describeEnvironment(server);
    const quorum = masters
      ? `, quorum masters on ports ${masters.servers.map((s) => s.port).join(', ')}`
      : '';
    console.log(
      `deadbolt bench: Redis ${environment.redis} on port ${server.port}${quorum}, Node ${environment.node}`,
    );
    const steps = chosen.length + (middleware ? 1 : 0);
    if (chosen.length > 0) await warmUpWorkers(server, workers, options.timing.warmupMs);
    const results: ScenarioResult[] = [];
    const log = (line: string): void => console.log(line);
    for (const [index, scenario] of chosen.entries()) {
      console.log(scenarioLine(scenario, index, steps));
      const servers = scenario.masters > 1 && masters ? masters.servers : [server];
      results.push(
        await runScenario({ servers, workers, scenario, libraries: LIBRARIES, timing: options.timing, log }),
      );
    }
    let middlewareResults: MiddlewareResult[] = [];
    const [worker] = workers;
    if (middleware && worker) {
      const names = frameworks.map((framework) => framework.name).join(', ');
      console.log(`[${steps}/${steps}] ${names} middleware overhead, distinct keys (autocannon)`);
      middlewareResults = await runMiddleware({ server, worker, timing: options.timing, log, frameworks });
    }
    await writeReport(options, {
      environment,
      results,
      middleware: middlewareResults,
      soak: await readSoak(options.outDir),
      timing: options.timing,
      command: commandLine(options),
      chartFile: CHART_FILE,
    });
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await masters?.stop();
    await server.stop();
  }
}

/**
 * Runs every library once in the largest single-node scenario without recording it, so that no library
 * pays for the workers' cold start (module loading, JIT) in its first measured window.
 */
async function warmUpWorkers(
  server: RedisServer,
  workers: readonly WorkerHandle[],
  warmupMs: number,
): Promise<void> {
  const single = SCENARIOS.filter((s) => s.masters === 1 && s.processes <= workers.length);
  const scenario = single.reduce((largest, s) => (clientCount(s) > clientCount(largest) ? s : largest));
  for (const library of LIBRARIES) {
    await measureRun({ servers: [server], workers, scenario, library, warmupMs, windowMs: warmupMs });
  }
  console.log('Workers warmed up');
}

async function writeReport(options: CliOptions, report: Parameters<typeof renderMarkdown>[0]): Promise<void> {
  await mkdir(options.outDir, { recursive: true });
  const markdown = join(options.outDir, 'RESULTS.md');
  await writeFile(markdown, renderMarkdown(report));
  await writeFile(join(options.outDir, CHART_FILE), renderChart(report.results));
  await spliceHeld(options.outDir); // the last `--held` run's section, kept
  await splicePipelining(options.outDir); // and the last `--pipelining` run's
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
  else if (options.held) {
    await mkdir(options.outDir, { recursive: true });
    const plan = HELD_PLANS[options.quick ? 'quick' : 'full'];
    await runHeldCommand(
      options.outDir,
      options.heldCounts ? { ...plan, counts: options.heldCounts } : plan,
      commandLine(options),
    );
  } else if (options.pipelining) {
    await mkdir(options.outDir, { recursive: true });
    const plan = PIPELINING_PLANS[options.quick ? 'quick' : 'full'];
    await runPipeliningCommand(options.outDir, plan, commandLine(options));
  } else if (options.soak) {
    await mkdir(options.outDir, { recursive: true });
    await runSoakCommand(options.outDir, SOAK_CYCLES[options.quick ? 'quick' : 'full'], commandLine(options));
  } else await main(options);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
