/**
 * The Redlock majority of `count` independent masters: `floor(count / 2) + 1`.
 *
 * @example
 * ```ts
 * majority(3) // 2
 * majority(5) // 3
 * ```
 */
export function majority(count: number): number {
  return Math.floor(count / 2) + 1;
}
