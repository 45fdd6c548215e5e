import { readFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { ChaosAdapterError } from './adapter/connectAdapter.js';
import { githubAnnotation, stepSummary } from './cli/githubActions.js';
import { ProgressBar } from './cli/ProgressBar.js';
import { parseCliArgs, USAGE, type CliRequest, type CliRun } from './cli/parseCliArgs.js';
import { replayCommand } from './cli/replayCommand.js';
import { UsageError } from './cli/UsageError.js';
import { resolveChaosOptions } from './options.js';
import { renderJUnit, type JUnitCase } from './report/junit.js';
import { renderReport } from './report/renderReport.js';
import { pathCountsText } from './paths/pathReport.js';
import type { ChaosResult } from './result.js';
import { runChaos } from './runChaos.js';

/** The package's version (package.json sits one folder up from both src/cli.ts and dist/cli.js). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Where a run ran, in a test case's words. */
function where(run: CliRun): string {
  const { backend = 'mock', topology = 'single' } = run.options;
  if (backend === 'redis') return `redis ${topology}`;
  return topology === 'single' ? 'mock' : `mock ${topology}`;
}

/** `chaos-report.html` for one run; `chaos-report-naive-quorum3.html` when there are several. */
function reportFile(file: string, run: CliRun, several: boolean): string {
  if (!several) return file;
  const tag = `${run.lockName}-${where(run).replace(/ /g, '-')}`;
  return /\.html?$/.test(file) ? file.replace(/(\.html?)$/, `-${tag}$1`) : `${file}-${tag}`;
}

/**
 * `deadbolt-chaos`: runs the chaos harness from the command line, once per lock × topology. Prints a progress bar
 * (stderr), a one-line verdict per run, the counterexample, and a closing line `deadbolt-chaos: N passed, N failed`;
 * optionally the results as JSON (stdout), an HTML report, a JUnit XML report and GitHub Actions annotations.
 * Exit code 0 when clean, 1 when a violation was found, 2 on a usage error or a lock adapter that throws, 3 when
 * no run failed but one was inconclusive (a path it required never ran: the line `never exercised: …` says which).
 *
 * @example
 * ```sh
 * deadbolt-chaos --runs 200 --report chaos-report.html
 * deadbolt-chaos --backend redis --topology single,quorum3 --runs 5 --junit chaos.xml
 * ```
 */
async function main(argv: readonly string[]): Promise<number> {
  let request: CliRequest;
  try {
    request = parseCliArgs(argv, process.env);
    if (request.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (request.version) {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    // Every run's options are checked before the first one starts.
    for (const run of request.runs) resolveChaosOptions(run.options);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof RangeError)) throw error;
    process.stderr.write(`deadbolt-chaos: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const log = request.json ? process.stderr : process.stdout;
  const several = request.runs.length > 1;
  const cases: JUnitCase[] = [];
  const results: (ChaosResult & { replayCommand: string | undefined })[] = [];
  for (const run of request.runs) {
    const title = `${run.lockName} on ${where(run)}`;
    const bar = request.progress ? new ProgressBar(process.stderr) : undefined;
    let result: ChaosResult;
    try {
      result = await runChaos({ ...run.options, ...(bar ? { onProgress: bar.update } : {}) });
    } catch (error) {
      if (!(error instanceof ChaosAdapterError)) throw error;
      log.write(`ERROR ${title}: ${error.message}\n`);
      cases.push({ lock: run.lockName, where: where(run), error });
      continue;
    } finally {
      bar?.done();
    }
    const replay = replayCommand(result, run.lockName, run.replicaWait);
    results.push({ ...result, replayCommand: replay });
    cases.push({
      lock: run.lockName,
      where: where(run),
      result,
      ...(replay ? { replayCommand: replay } : {}),
    });
    log.write(`${result.summary}\n`);
    log.write(`Paths: ${pathCountsText(result.paths.counts)}\n`);
    if (result.verdict === 'inconclusive')
      log.write(`INCONCLUSIVE ${title}: never exercised: ${result.paths.missing.join(', ')}\n`);
    if (result.counterexample) {
      log.write(
        `\nCounterexample (${result.counterexample.commands.length} steps, ttl ${result.counterexample.ttl} ms):\n  ${result.counterexample.commands.join('\n  ')}\n`,
      );
      log.write(`\nReplay: ${replay ?? ''}\n\n`);
    }
    if (request.github && result.verdict === 'fail')
      log.write(`${githubAnnotation(result, title, replay)}\n`);
    if (request.report !== undefined) {
      const file = reportFile(request.report, run, several);
      await writeFile(file, renderReport(result, replay === undefined ? {} : { replayCommand: replay }));
      log.write(`Report: ${file}\n`);
    }
  }
  if (request.junit !== undefined) {
    await writeFile(request.junit, renderJUnit(cases));
    log.write(`JUnit: ${request.junit}\n`);
  }
  const summary = process.env['GITHUB_STEP_SUMMARY'];
  if (request.github && summary)
    await appendFile(summary, stepSummary(cases.map((c) => [`${c.lock} on ${c.where}`, c.result])));
  const failed = cases.filter((c) => c.result?.verdict === 'fail').length;
  const errors = cases.filter((c) => c.result === undefined).length;
  const inconclusive = cases.filter((c) => c.result?.verdict === 'inconclusive').length;
  log.write(
    `deadbolt-chaos: ${cases.length - failed - errors - inconclusive} passed, ${failed} failed${inconclusive > 0 ? `, ${inconclusive} inconclusive` : ''}${errors > 0 ? `, ${errors} errors` : ''}\n`,
  );
  if (request.json) process.stdout.write(`${JSON.stringify(several ? results : results[0], null, 2)}\n`);
  return errors > 0 ? 2 : failed > 0 ? 1 : inconclusive > 0 ? 3 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Exit even if a reconnecting client of a real-backend run still holds the event loop.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `deadbolt-chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
