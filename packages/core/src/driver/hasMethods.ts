/**
 * Whether `value` is an object with a function under each of `names`: how the drivers recognise a client by
 * its shape (never by class, so any installed copy of a client library is recognised).
 *
 * @example
 * ```ts
 * hasMethods(new Redis(), 'evalsha', 'eval') // true
 * ```
 */
export function hasMethods(value: unknown, ...names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}
