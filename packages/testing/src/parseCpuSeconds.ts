/**
 * Reads the CPU time a redis-server has used, user plus system, in seconds, from the text of `INFO cpu`
 * (`used_cpu_user` + `used_cpu_sys`, the main thread and every other thread of the process). Returns NaN when
 * a field is missing.
 *
 * @example
 * ```ts
 * parseCpuSeconds('used_cpu_sys:1.5\r\nused_cpu_user:2.25\r\n'); // 3.75
 * ```
 */
export function parseCpuSeconds(info: string): number {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:([\\d.]+)\\r?$`, 'm').exec(info);
    return match?.[1] === undefined ? Number.NaN : Number(match[1]);
  };
  return field('used_cpu_user') + field('used_cpu_sys');
}
