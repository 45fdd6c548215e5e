/**
 * Client CPU per grant of deadbolt's acquire + release against the raw floor (SET NX PX, then an owner-checked
 * DEL by EVALSHA), in one process on one fresh redis-server: a measuring tool beside `pnpm bench`, not one of its
 * scenarios. Each variant runs on its own ioredis connection, `--in-flight` acquires at once on fresh keys
 * (`item:<n>`), as the middleware scenario's app does; after a warm-up, every round measures every variant once
 * (rotating the order), and the report gives the median µs per grant and its excess over the raw floor (and the
 * redis-server's CPU per grant, from `INFO cpu`, and its time in commands, from `INFO commandstats`). Deadbolt
 * runs with its defaults and with one option off at a time (renew, fair, wait) to attribute its cost, and as
 * `lockRequests` calls it (`signal`: a frozen options object with a pooled abort signal).
 *
 * ```sh
 * node --import=tsx --conditions=source bench/src/grantCost/grantCost.ts [--grants 20000] [--warmup 20000] \
 *   [--rounds 5] [--in-flight 32] [--core /work/main]… [--only raw,default] [--verbose]
 * ```
 * Without `--core`, the core is `@deadbolt/core` as this process resolves it (its source with
 * `--conditions=source`); with `--core DIR` (repeatable), the built `DIR/packages/core/dist` of each worktree
 * (`--core source`: `@deadbolt/core` as resolved here, beside them).
 * `node --cpu-prof … --only default` profiles deadbolt's loop; `node --max-semi-space-size=256 … --grants 2000` also
 * reports the heap bytes allocated per grant (of the runs no garbage collection interrupted).
 */
import { pathToFileURL } from 'node:url';
import { parseCpuSeconds, RedisServer } from '@deadbolt/testing';
import { Redis } from 'ioredis';
import {
  DEADBOLT_SETTINGS,
  deadboltVariant,
  RAW_FLOOR,
  signalledVariant,
  type GrantVariant,
} from './grantVariants.js';
import { commandMicros } from './commandTime.js';
import { measureGrants } from './measureGrants.js';
import { median } from '../results.js';
import { parseGrantArgs, type GrantPlan } from './grantPlan.js';
import { planCores, planVariants } from './planCores.js';

/** The variants of `plan`: the raw floor, then each core with each of {@link DEADBOLT_SETTINGS}. */
async function variantsOf(plan: GrantPlan): Promise<GrantVariant[]> {
  const cores = await planCores(plan);
  const all = [
    RAW_FLOOR,
    ...cores.flatMap(([root, core]) => {
      const suffix = plan.cores.length === 0 ? '' : `@${root}`;
      return [
        ...DEADBOLT_SETTINGS.map(([name, options]) =>
          deadboltVariant(core, `deadbolt ${name}${suffix}`, options),
        ),
        signalledVariant(core, `deadbolt signal${suffix}`, plan.inFlight),
      ];
    }),
  ];
  return planVariants(plan, all);
}

/**
 * Runs `plan` on a redis-server of its own; resolves the report's lines.
 *
 * @example
 * ```ts
 * console.log((await grantCost(parseGrantArgs(['--rounds', '3']))).join('\n'))
 * ```
 */
export async function grantCost(plan: GrantPlan): Promise<string[]> {
  await using server = await RedisServer.start();
  const variants = await variantsOf(plan);
  const admin = server.client();
  /** The server's CPU and its time in commands so far, in µs. */
  const serverTime = async (): Promise<[number, number]> => {
    const info = await admin.info('cpu');
    return [parseCpuSeconds(info) * 1e6, commandMicros(await admin.info('commandstats'))];
  };
  const opened = await Promise.all(
    variants.map(async (variant) => {
      const redis = new Redis(server.url, { lazyConnect: true });
      await redis.connect();
      return {
        variant,
        redis,
        ...variant.open(redis),
        perGrant: [] as number[],
        wallMs: [] as number[],
        bytes: [] as number[],
        serverUs: [] as number[],
        commandUs: [] as number[],
      };
    }),
  );
  try {
    for (const run of opened) await measureGrants(run.grant, plan.warmup, plan.inFlight);
    if (plan.verbose) console.log('grant cost: warmed up');
    for (let round = 0; round < plan.rounds; round += 1) {
      for (let i = 0; i < opened.length; i += 1) {
        const run = opened[(i + round) % opened.length];
        if (!run) continue;
        const [cpuBefore, commandsBefore] = await serverTime();
        const tally = await measureGrants(run.grant, plan.grants, plan.inFlight);
        const [cpuAfter, commandsAfter] = await serverTime();
        run.serverUs.push((cpuAfter - cpuBefore) / tally.grants);
        run.commandUs.push((commandsAfter - commandsBefore) / tally.grants);
        run.perGrant.push(tally.cpuUs / tally.grants);
        run.wallMs.push(tally.wallMs);
        if (tally.heapBytes !== undefined) run.bytes.push(tally.heapBytes / tally.grants);
        if (plan.verbose)
          console.log(
            `grant cost: round ${round} ${run.variant.name} ${(tally.cpuUs / tally.grants).toFixed(1)} µs`,
          );
      }
    }
  } finally {
    for (const run of opened) {
      await run.close();
      run.redis.disconnect();
    }
  }
  const raw = opened.find((run) => run.variant === RAW_FLOOR);
  const floor = raw ? median(raw.perGrant) : undefined;
  return [
    `grant cost: ${plan.rounds} rounds × ${plan.grants} grants, ${plan.inFlight} in flight, warm-up ${plan.warmup}; client CPU µs per grant (median [min–max])`,
    ...opened.map(({ variant, perGrant, wallMs, bytes, serverUs, commandUs }) => {
      const mid = median(perGrant);
      const excess =
        floor === undefined ? '' : `  ${mid - floor >= 0 ? '+' : ''}${(mid - floor).toFixed(1)} over raw`;
      const spread = `[${Math.min(...perGrant).toFixed(1)}–${Math.max(...perGrant).toFixed(1)}]`;
      const rate = (plan.grants / median(wallMs)) * 1000;
      const heap =
        bytes.length === 0 ? '' : `, ${median(bytes).toFixed(0)} B heap/grant (${bytes.length} runs)`;
      return `${variant.name.padEnd(40)} ${mid.toFixed(1).padStart(7)} µs ${spread.padEnd(14)}${excess}  (redis-server ${median(serverUs).toFixed(1)} µs, in commands ${median(commandUs).toFixed(1)} µs; ${rate.toFixed(0)} grants/s${heap})`;
    }),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await grantCost(parseGrantArgs(process.argv.slice(2)))).join('\n'));
}
