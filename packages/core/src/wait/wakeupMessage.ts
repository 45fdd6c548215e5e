/** What a wake-up message says (see `wake` in `scripts/lua.ts`). */
export interface WakeupMessage {
  /** The owner token of the waiter it wakes. */
  readonly token: string;
  /** The release already granted that waiter the lock, with this fence. */
  readonly handedFence: number | undefined;
}

/**
 * Reads a wake-up message: the next waiter's token, or `token:fence` when the release handed it the lock
 * (owner tokens contain no ':'; see `keys/token.ts`).
 *
 * @example
 * ```ts
 * parseWakeup('k3f9.12:1796171555799974') // { token: 'k3f9.12', handedFence: 1796171555799974 }
 * parseWakeup('k3f9.12') // { token: 'k3f9.12', handedFence: undefined }
 * ```
 */
export function parseWakeup(message: string): WakeupMessage {
  const colon = message.indexOf(':');
  return colon < 0
    ? { token: message, handedFence: undefined }
    : { token: message.slice(0, colon), handedFence: Number(message.slice(colon + 1)) };
}
