import { brand } from '../brand.js';
import { LockConfigError } from './LockConfigError.js';

/**
 * An acquire asked for a key in another mode than its holders hold it: a different `limit`, or `shared`
 * against permits (or the reverse). Never a silent change of the key's limit. Checked by Redis against the
 * live holders, in the attempt's one round trip; nothing of the attempt stays.
 *
 * @example
 * ```ts
 * await locker.acquire('export', { limit: 4 })
 * await locker.acquire('export', { limit: 2 }) // rejects: LockModeError, code ERR_LOCK_MODE
 * ```
 */
export class LockModeError extends LockConfigError {
  static {
    brand(this, 'LockModeError');
  }

  override readonly code = 'ERR_LOCK_MODE' as const;
  /** The mode the acquire asked for: `{ limit: N }` or `{ shared: true }`, as text. */
  readonly requested: string;
  /** The mode the key's holders hold it in. */
  readonly held: string;

  /** @param requested - the token mode asked for (`~4`, `~s`); @param held - the holders' (same spelling). */
  constructor(key: string, requested: string, held: string) {
    const [asked, holding] = [describeMode(requested), describeMode(held)];
    super(
      `Lock "${key}" is held with ${holding}; an acquire with ${asked} cannot join it. Every holder of a key must use the same mode and limit.`,
    );
    this.requested = asked;
    this.held = holding;
  }
}

/** `~s` → `{ shared: true }`, `~4` → `{ limit: 4 }`. */
function describeMode(mode: string): string {
  return mode === '~s' ? '{ shared: true }' : `{ limit: ${mode.slice(1)} }`;
}
