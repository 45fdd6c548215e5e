/** The registry key under which deadbolt classes carry their brand, shared by every copy of `@deadbolt/core`. */
const BRAND = Symbol.for('@deadbolt/core.brand');

type Class<T = unknown> = abstract new (...args: never[]) => T;

/**
 * Gives `Class` the brand `name` (its public class name), so that {@link isBranded} accepts instances made by
 * another copy of `@deadbolt/core`: its ESM and CommonJS builds loaded in one program (the dual-package hazard),
 * or two installs. The request layer checks the locker and the errors it classifies this way.
 *
 * @example
 * ```ts
 * class Locker { static { brand(this, 'Locker') } }
 * ```
 */
export function brand(Class: Class, name: string): void {
  Object.defineProperty(Class.prototype, BRAND, { value: name });
}

/**
 * Whether `value` is an instance of `Class`, or of the class of the same brand in another copy of
 * `@deadbolt/core` (or of a subclass of either).
 *
 * @example
 * ```ts
 * isBranded(Locker, lockerFromTheEsmBuild) // true in the CommonJS build too
 * ```
 */
export function isBranded<T>(Class: Class<T>, value: unknown): value is T {
  if (Function.prototype[Symbol.hasInstance].call(Class, value)) return true;
  const name: unknown = Object.getOwnPropertyDescriptor(Class.prototype, BRAND)?.value;
  if (name === undefined || typeof value !== 'object' || value === null) return false;
  for (
    let proto: unknown = Object.getPrototypeOf(value);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (Object.getOwnPropertyDescriptor(proto, BRAND)?.value === name) return true;
  }
  return false;
}
