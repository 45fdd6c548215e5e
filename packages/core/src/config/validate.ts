import { LockConfigError } from '../errors/LockConfigError.js';
import { LockKeyError } from '../errors/LockKeyError.js';

export { isBranded } from '../brand.js';
import type { LockLogger } from './options.js';

/** Longest user key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 512;
/** Largest ttl or wait Node timers can represent, in ms. */
export const MAX_DURATION_MS = 2_147_483_647;

/** Throws `LockConfigError` unless every own property of `options` is one of `known`. */
export function refuseUnknownOptions(options: object, known: readonly string[], where: string): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new LockConfigError(
        `Unknown option "${name}" in ${where}. Known options: ${known.map((k) => `"${k}"`).join(', ')}.`,
      );
    }
  }
}

/** A positive integer number of ms (ttl, commandTimeout). */
export function positiveDuration(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_DURATION_MS) {
    throw new LockConfigError(
      `"${name}" must be a positive integer number of milliseconds up to ${MAX_DURATION_MS}, got ${describe(value)}.`,
    );
  }
  return value;
}

/**
 * Shortest lease, in ms. A grant is valid for `ttl − elapsed − drift`, with drift `floor(ttl × driftFactor) + 2`:
 * a lease of 1–2 ms has no validity left even before its round trip, so it could never be granted. At 10 ms the
 * validity before the round trip is 8 ms with the default `driftFactor` (0.01), 4 ms with the largest (0.49).
 *
 * @example
 * ```ts
 * createLocker(redis, { ttl: MIN_TTL_MS }) // the shortest lease accepted; ttl: 9 throws LockConfigError
 * ```
 */
export const MIN_TTL_MS = 10;

/** A lease length: an integer number of ms from {@link MIN_TTL_MS} up to {@link MAX_DURATION_MS}. */
export function ttlDuration(name: string, value: unknown): number {
  const ttl = positiveDuration(name, value);
  if (ttl < MIN_TTL_MS) {
    throw new LockConfigError(
      `"${name}" must be at least ${MIN_TTL_MS} ms: validity is ttl − elapsed − drift, with drift = floor(ttl × driftFactor) + 2 ms, so a shorter lease could never be granted; got ${ttl}.`,
    );
  }
  return ttl;
}

/** A non-negative integer number of ms, or `Infinity` (wait). */
export function waitDuration(name: string, value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DURATION_MS) {
    throw new LockConfigError(
      `"${name}" must be a non-negative integer number of milliseconds (0 = one attempt) or Infinity, got ${describe(value)}.`,
    );
  }
  return value;
}

/** A boolean option. */
export function booleanOption(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new LockConfigError(`"${name}" must be a boolean, got ${describe(value)}.`);
  return value;
}

/** A function option. */
export function functionOption<F>(name: string, value: unknown): F {
  if (typeof value !== 'function')
    throw new LockConfigError(`"${name}" must be a function, got ${describe(value)}.`);
  return value as F;
}

/** Validates one user key: a non-empty string of at most {@link MAX_KEY_BYTES} UTF-8 bytes; throws `LockKeyError`. */
export function validateKey(key: unknown): string {
  if (typeof key !== 'string')
    throw new LockKeyError('ERR_LOCK_KEY_TYPE', `A lock key must be a string, got ${describe(key)}.`);
  if (key.length === 0) throw new LockKeyError('ERR_LOCK_KEY_EMPTY', 'A lock key must not be empty.');
  if (!key.isWellFormed())
    throw new LockKeyError(
      'ERR_LOCK_KEY_INVALID',
      'A lock key must be well-formed Unicode (no lone surrogates).',
    );
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: a short key needs no byte count (a call into C++).
  if (key.length * 3 <= MAX_KEY_BYTES) return key;
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new LockKeyError(
      'ERR_LOCK_KEY_INVALID',
      `A lock key must be at most ${MAX_KEY_BYTES} bytes (UTF-8), got ${bytes} bytes.`,
    );
  }
  return key;
}

/**
 * The one key check of deadbolt (core's `acquire` and the request layer both use it): a key or list of keys;
 * returns the distinct keys in sorted order (the order they are locked in); throws `LockKeyError`.
 */
export function validateKeys(key: unknown): readonly string[] {
  if (!Array.isArray(key)) return [validateKey(key)];
  if (key.length === 0)
    throw new LockKeyError('ERR_LOCK_KEY_EMPTY', 'A list of lock keys must not be empty.');
  const keys = key.map(validateKey);
  return [...new Set(keys)].sort();
}

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A logger option: anything with `warn` and `error` functions (console, pino, winston). */
export function loggerOption(value: unknown): LockLogger {
  const logger = value as Partial<LockLogger> | null;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new LockConfigError(
      `"logger" must be console-like, with "warn" and "error" functions, got ${describe(value)}.`,
    );
  }
  return logger as LockLogger;
}
