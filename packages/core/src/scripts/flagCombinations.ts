/**
 * Every combination of the boolean flags `names` (2^n records), for building every variant of a script family.
 *
 * @example
 * ```ts
 * flagCombinations(['sharded', 'queued']) // [{ sharded: false, queued: false }, { sharded: true, queued: false }, …]
 * ```
 */
export function flagCombinations<Name extends string>(names: readonly Name[]): Record<Name, boolean>[] {
  return Array.from(
    { length: 2 ** names.length },
    (_, bits) =>
      Object.fromEntries(names.map((name, index) => [name, (bits & (1 << index)) !== 0])) as Record<
        Name,
        boolean
      >,
  );
}
