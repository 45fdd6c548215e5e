import { writeFile } from 'node:fs/promises';
import { ProgressBar } from './cli/ProgressBar.js';
import { parseCliArgs, USAGE, type CliRequest } from './cli/parseCliArgs.js';
import { replayCommand } from './cli/replayCommand.js';
import { UsageError } from './cli/UsageError.js';
import { renderReport } from './report/renderReport.js';
import { runChaos } from './runChaos.js';

/**
 * `deadbolt-chaos`: runs the chaos harness from the command line. Prints a progress bar (stderr), a one-line
 * verdict and the counterexample, optionally the result as JSON (stdout) and an HTML report.
 * Exit code 0 when clean, 1 when a violation was found, 2 on a usage error.
 *
 * @example
 * ```sh
 * deadbolt-chaos --runs 200 --report chaos-report.html
 * deadbolt-chaos --backend redis --topology quorum3 --runs 5 --ttl 500 --operations 20
 * ```
 */
async function main(argv: readonly string[]): Promise<number> {
  let request: CliRequest;
  try {
    request = parseCliArgs(argv);
    if (request.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`deadbolt-chaos: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const bar = request.progress ? new ProgressBar(process.stderr) : undefined;
  let result;
  try {
    result = await runChaos({ ...request.options, ...(bar ? { onProgress: bar.update } : {}) });
  } catch (error) {
    bar?.done();
    if (error instanceof RangeError) {
      process.stderr.write(`deadbolt-chaos: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  bar?.done();
  const replay = replayCommand(result, request.lockName);
  const log = request.json ? process.stderr : process.stdout;
  log.write(`${result.summary}\n`);
  if (result.counterexample) {
    log.write(
      `\nCounterexample (${result.counterexample.commands.length} steps):\n  ${result.counterexample.commands.join('\n  ')}\n`,
    );
    log.write(`\nReplay: ${replay ?? ''}\n`);
  }
  if (request.report !== undefined) {
    await writeFile(
      request.report,
      renderReport(result, replay === undefined ? {} : { replayCommand: replay }),
    );
    log.write(`Report: ${request.report}\n`);
  }
  if (request.json)
    process.stdout.write(`${JSON.stringify({ ...result, replayCommand: replay }, null, 2)}\n`);
  return result.verdict === 'pass' ? 0 : 1;
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
