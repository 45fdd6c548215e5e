/**
 * The time a redis-server spent running commands, in µs, from the text of `INFO commandstats` (the `usec` of every
 * `cmdstat_` line, without `info` itself): the server's work for its clients, without its I/O and event loop,
 * so less sensitive to a loaded machine than its CPU time. Redis counts the commands a script runs both in the
 * script's time and in their own: an upper bound for a client that runs scripts.
 *
 * @example
 * ```ts
 * commandMicros('cmdstat_evalsha:calls=2,usec=19,usec_per_call=9.50\r\ncmdstat_info:calls=1,usec=40') // 19
 * ```
 */
export function commandMicros(info: string): number {
  let total = 0;
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=\d+,usec=(\d+)/.exec(line);
    if (match?.[2] !== undefined && match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}
