/**
 * The hand-over gap of the contended one-key workload, decomposed: a measuring tool beside `pnpm bench`, not
 * one of its scenarios. It runs the workload of `one-key` (4 processes × 4 clients, a connection and a locker
 * each, acquire → hold 5 ms → release on one key) on a fresh redis-server against the built core of any
 * worktree, so that two checkouts are measured by the same tool, and joins, by fence, every release with the next
 * grant: release sent → release answered (releaser), release sent → wake-up message received → grant resolved
 * (next holder). It prints those segments (p50, p90, mean), the utilisation, the Redis commands and script µs
 * per grant (commandstats, SLOWLOG), and CPU per grant. Timings are noisy on a loaded machine; the counts are not.
 *
 * ```sh
 * node --import=tsx bench/src/handover/handoverGap.ts /work/wt/old [--processes 4] [--clients 4] [--hold 5] \
 *   [--ms 4000] [--limit 4] [--hooks]
 * ```
 * (build the worktree first: `pnpm run build` there).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { RedisServer } from '@deadbolt/testing';
import { runGapClients } from './gapClients.js';
import { gapReport } from './gapReport.js';
import { startServerTally } from './gapServer.js';
import { clock, parseGapArgs, type GapRows, type Window } from './gapTypes.js';

/** The environment variable that makes a process one of the tool's client processes: `{ url }`. */
const CHILD = 'HANDOVER_GAP_CHILD';
/** Time between telling the connected client processes the window and its opening, in ms. */
const START_MS = 300;

const argv = process.argv.slice(2);
const plan = parseGapArgs(argv);
const child = process.env[CHILD];

if (child !== undefined) {
  const { url } = JSON.parse(child) as { url: string };
  const rows = await runGapClients(plan, url, async () => {
    // Connected: the window opens once every client process is.
    const window = new Promise<Window>((opened) =>
      process.once('message', (message) => opened(message as Window)),
    );
    process.send?.('ready');
    return window;
  });
  process.send?.(rows, () => process.exit(0));
} else {
  await using server = await RedisServer.start();
  const admin = server.client();
  const env = { ...process.env, [CHILD]: JSON.stringify({ url: server.url }) };
  const workers = Array.from({ length: plan.processes }, () =>
    fork(new URL(import.meta.url), argv, { env, execArgv: process.execArgv }),
  );
  const replies = workers.map((worker) => replied(worker));
  await Promise.all(replies.map(({ ready }) => ready));
  const tally = await startServerTally(admin);
  const startAt = clock() + START_MS;
  for (const worker of workers) worker.send({ startAt, endAt: startAt + plan.ms } satisfies Window);
  const processes = await Promise.all(replies.map(({ rows }) => rows));
  console.log(gapReport(plan, processes, await tally()).join('\n'));
}

/** A client process's two messages: `'ready'` once connected, then its rows; rejects if it exits early. */
function replied(worker: ChildProcess): { ready: Promise<void>; rows: Promise<GapRows> } {
  const messages: ((message: unknown) => void)[] = [];
  const next = (): Promise<unknown> =>
    new Promise((received, failed) => {
      messages.push(received);
      worker.once('exit', (code) => {
        if (code !== 0) failed(new Error(`a client process exited with ${String(code)}`));
      });
    });
  worker.on('message', (message) => messages.shift()?.(message));
  const ready = next().then(() => undefined);
  return { ready, rows: ready.then(next).then((rows) => rows as GapRows) };
}
