import { parseCpuSeconds } from '@deadbolt/testing';
import type { Redis } from 'ioredis';

/** What the Redis server did during a run of the hand-over gap tool. */
export interface ServerTally {
  /** Calls and µs per command (`INFO commandstats`; commands run inside scripts included). */
  readonly commands: Record<string, { readonly calls: number; readonly usec: number }>;
  /** Each script call's duration in µs, by `evalsha <sha prefix>` (or `eval`), from the SLOWLOG. */
  readonly scripts: Record<string, number[]>;
  /** CPU seconds the server used (user + system). */
  readonly cpuSeconds: number;
}

/**
 * Resets the server's statistics and logs every command from now on (SLOWLOG threshold 0, which costs the
 * server a little per command); resolves a function that reads what the server did since.
 *
 * @example
 * ```ts
 * const tally = await startServerTally(admin)
 * // … the run …
 * const { commands, scripts, cpuSeconds } = await tally()
 * ```
 */
export async function startServerTally(admin: Redis): Promise<() => Promise<ServerTally>> {
  await admin.config('RESETSTAT');
  await admin.config('SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '1000000');
  await admin.slowlog('RESET');
  const cpuBefore = parseCpuSeconds(await admin.info('cpu'));
  return async () => {
    const cpuSeconds = parseCpuSeconds(await admin.info('cpu')) - cpuBefore;
    const commands = commandTimes(await admin.info('commandstats'));
    const scripts = scriptTimes((await admin.slowlog('GET', '-1')) as unknown[][]);
    return { commands, scripts, cpuSeconds };
  };
}

/** `INFO commandstats` as calls and µs per command. */
function commandTimes(info: string): ServerTally['commands'] {
  const commands: Record<string, { calls: number; usec: number }> = {};
  for (const [, name = '', calls, usec] of info.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)) {
    commands[name] = { calls: Number(calls), usec: Number(usec) };
  }
  return commands;
}

/** SLOWLOG entries (`[id, time, µs, args, …]`) of scripts, grouped by script: durations in µs. */
function scriptTimes(entries: readonly unknown[][]): Record<string, number[]> {
  const times: Record<string, number[]> = {};
  for (const [, , duration, args] of entries) {
    const [command, sha] = (args as unknown[]).map(String);
    const name = command?.toLowerCase();
    if (name !== 'evalsha' && name !== 'eval') continue;
    (times[name === 'eval' ? 'eval' : `evalsha ${String(sha).slice(0, 6)}`] ??= []).push(Number(duration));
  }
  return times;
}
