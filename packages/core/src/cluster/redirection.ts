/**
 * A Cluster answer that means the command did not run on that node and may run elsewhere, or later: `MOVED`
 * (the slot has another master: `to` names it), `ASK` (the slot is migrating to `to`), `TRYAGAIN` (a
 * multi-key command during a migration), `CLUSTERDOWN` (the cluster is failing over), `READONLY` (a write
 * reached a replica).
 */
export interface Redirection {
  readonly kind: 'MOVED' | 'ASK' | 'TRYAGAIN' | 'CLUSTERDOWN' | 'READONLY';
  /** The `host:port` a `MOVED` or `ASK` names. */
  readonly to?: string;
  /** The error reply, as Redis sent it. */
  readonly reply: string;
}

/** First pause between two tries of a redirected command, in ms; it doubles up to {@link MAX_REDIRECT_DELAY}. */
export const FIRST_REDIRECT_DELAY = 10;
/** Longest pause between two tries of a redirected command, in ms (ioredis waits 100 ms on `TRYAGAIN`). */
export const MAX_REDIRECT_DELAY = 200;

const REPLY = /(?:^|: )((MOVED|ASK) \d+ (\S+)|(TRYAGAIN|CLUSTERDOWN|READONLY)\b.*)$/;

/**
 * The redirection `error` (or one of its causes) reports, if any.
 *
 * @example
 * ```ts
 * redirectionOf(new Error('MOVED 3999 127.0.0.1:7001')) // { kind: 'MOVED', to: '127.0.0.1:7001', … }
 * ```
 */
export function redirectionOf(error: unknown): Redirection | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const match = REPLY.exec(e.message);
    if (!match) continue;
    const kind = (match[2] ?? match[4]) as Redirection['kind'];
    return { kind, reply: match[1] ?? kind, ...(match[3] !== undefined && { to: match[3] }) };
  }
  return undefined;
}

/**
 * The pause before try `tries + 1` of a redirected command (`tries` ≥ 1 were redirected), in ms: none after a
 * first `MOVED` (followed at once, as ioredis does), else {@link FIRST_REDIRECT_DELAY} doubling with each try
 * up to {@link MAX_REDIRECT_DELAY}.
 *
 * @example
 * ```ts
 * redirectDelay({ kind: 'TRYAGAIN', reply: 'TRYAGAIN' }, 3) // 40
 * ```
 */
export function redirectDelay(redirection: Redirection, tries: number): number {
  if (redirection.kind === 'MOVED' && tries <= 1) return 0;
  return Math.min(FIRST_REDIRECT_DELAY * 2 ** Math.max(0, tries - 1), MAX_REDIRECT_DELAY);
}
