/**
 * Parses the text of `INFO commandstats` into `{ commandName: calls }`. Names are lower-case; Redis 7
 * subcommands keep their `|` form (e.g. `config|resetstat`, `client|setname`).
 *
 * @example
 * ```ts
 * parseCommandStats('cmdstat_get:calls=3,usec=9,usec_per_call=3.00\r\n'); // { get: 3 }
 * ```
 */
export function parseCommandStats(info: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):(?:.*,)?calls=(\d+)/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    stats[match[1].toLowerCase()] = Number(match[2]);
  }
  return stats;
}
