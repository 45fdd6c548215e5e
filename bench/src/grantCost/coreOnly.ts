/**
 * Client CPU per grant of deadbolt's own code alone: `locker.acquire(key)` + `lock.release()` of each core
 * against an in-process fake ioredis client, which builds and encodes every command as ioredis does (its
 * `Command`, `toWritable`) and answers the commands of a turn together a turn later, as a socket read would.
 * No redis-server and no socket share the machine's cores with the measurement, so two cores' difference of a
 * fraction of a µs shows here where `grantCost.ts` (the real server, whose numbers move 25–150 µs between
 * rounds on a loaded machine) cannot resolve it; `grantCost.ts` stays the measure of the whole.
 *
 * Every round measures each core once (in an order that alternates per round); the report gives each core's
 * median µs per grant [min–max], its lower quartile (contention and collections only add), the median of the
 * rounds' paired differences against the first core, and the heap bytes allocated per grant (median of the runs
 * no garbage collection interrupted: run with a large `--max-semi-space-size` and few grants per run).
 *
 * ```sh
 * node --max-semi-space-size=256 --import=tsx bench/src/grantCost/coreOnly.ts --core /work/main --core . \
 *   --grants 2000 --rounds 60 [--warmup 20000] [--in-flight 32] [--only default,signal]
 * ```
 * `node --cpu-prof … --core .` profiles one core's loop without ioredis' socket and parser.
 */
import { pathToFileURL } from 'node:url';
import { Command, type Redis } from 'ioredis';
import { median } from '../results.js';
import { parseGrantArgs } from './grantPlan.js';
import { planCores, planVariants } from './planCores.js';
import { deadboltVariant, signalledVariant, type GrantVariant } from './grantVariants.js';
import { measureGrants } from './measureGrants.js';

/**
 * An ioredis-shaped client (`evalsha`, `eval`, `status`) without a server: each command is an ioredis `Command`,
 * encoded by `toWritable`; the acquire script (5 arguments with the sha) answers a new fence, the release (4)
 * answers 1 (its one key was still held). The commands sent in one turn are answered in the next.
 */
export class FakeIoredis {
  readonly status = 'ready';
  #fence = 0;
  #sent: Command[] = [];
  #replies: number[] = [];
  /** Bytes the commands would have written: read, so the encoding is not optimised away. */
  written = 0;

  evalsha(...args: (string | number)[]): Promise<unknown> {
    return this.#send('evalsha', args);
  }

  eval(...args: (string | number)[]): Promise<unknown> {
    return this.#send('eval', args);
  }

  #send(name: string, args: (string | number)[]): Promise<unknown> {
    const command = new Command(name, args, { replyEncoding: 'utf8' });
    this.written += String(command.toWritable(undefined as never)).length;
    if (this.#sent.length === 0) setImmediate(() => this.#answer());
    this.#sent.push(command);
    this.#replies.push(args.length === 5 ? ++this.#fence : 1);
    return command.promise;
  }

  #answer(): void {
    const sent = this.#sent;
    const replies = this.#replies;
    this.#sent = [];
    this.#replies = [];
    for (let index = 0; index < sent.length; index++) sent[index]?.resolve(replies[index]);
  }
}

/**
 * Runs the comparison for `argv` (the arguments of `grantCost.ts`); resolves the report's lines.
 *
 * @example
 * ```ts
 * console.log((await coreOnly(['--core', '/work/main', '--core', '.', '--rounds', '9'])).join('\n'))
 * ```
 */
export async function coreOnly(argv: readonly string[]): Promise<string[]> {
  const plan = parseGrantArgs(argv);
  const variants: GrantVariant[] = (await planCores(plan)).flatMap(([root, core]) => [
    deadboltVariant(core, `default@${root}`),
    signalledVariant(core, `signal@${root}`, plan.inFlight),
  ]);
  const chosen = planVariants(plan, variants);
  const runs = chosen.map((variant) => {
    const client = new FakeIoredis();
    const opened = variant.open(client as unknown as Redis);
    return { variant, client, ...opened, perGrant: [] as number[], bytes: [] as number[] };
  });
  try {
    for (const run of runs) await measureGrants(run.grant, plan.warmup, plan.inFlight);
    for (let round = 0; round < plan.rounds; round += 1) {
      const order = round % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) {
        const tally = await measureGrants(run.grant, plan.grants, plan.inFlight);
        run.perGrant.push(tally.cpuUs / tally.grants);
        if (tally.heapBytes !== undefined) run.bytes.push(tally.heapBytes / tally.grants);
      }
    }
  } finally {
    for (const run of runs) await run.close();
  }
  const lines = [
    `core only: ${plan.rounds} rounds × ${plan.grants} grants, ${plan.inFlight} in flight, fake ioredis; client CPU µs per grant (median [min–max], lower quartile, paired median difference)`,
  ];
  for (const run of runs) {
    const kind = run.variant.name.split('@')[0];
    const first = runs.find((other) => other.variant.name.split('@')[0] === kind);
    const paired =
      first && first !== run
        ? `  ${formatDelta(median(run.perGrant.map((value, round) => value - (first.perGrant[round] ?? Number.NaN))))} vs ${first.variant.name}`
        : '';
    const heap =
      run.bytes.length === 0
        ? ''
        : `, ${median(run.bytes).toFixed(0)} B heap/grant (${run.bytes.length} runs)`;
    const sorted = [...run.perGrant].sort((a, b) => a - b);
    const quartile = sorted[Math.floor(sorted.length / 4)] ?? Number.NaN;
    const spread = `[${Math.min(...sorted).toFixed(2)}–${Math.max(...sorted).toFixed(2)}]`;
    lines.push(
      `${run.variant.name.padEnd(40)} ${median(sorted).toFixed(2).padStart(7)} µs ${spread} p25 ${quartile.toFixed(2)}${paired}${heap}`,
    );
  }
  return lines;
}

function formatDelta(delta: number): string {
  return `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} µs`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await coreOnly(process.argv.slice(2))).join('\n'));
}
