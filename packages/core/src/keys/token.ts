import { randomBytes, randomFillSync } from 'node:crypto';

/** Random bytes in an owner token's secret: 144 bits, exactly 24 base64url characters (no padding). */
export const SECRET_BYTES = 18;
const SECRET_CHARS = (SECRET_BYTES / 3) * 4;
const POOL_SECRETS = 256;
const pool = Buffer.alloc(SECRET_BYTES * POOL_SECRETS);
/** The pool, base64url-encoded in one call: secret `i` is characters `24i` to `24i + 24`. */
let encoded = '';
let next = POOL_SECRETS;
/** Bytes of a locker's tag: 48 bits, 8 base64url characters. */
const TAG_BYTES = 6;

/**
 * 144 bits from the operating system's CSPRNG, base64url-encoded (24 characters): the secret part of an owner
 * token. Bytes are drawn and encoded in batches of 256 secrets to keep the hot path cheap; a whole number of
 * 3-byte groups per secret lets one encoding of the batch be cut into secrets; each byte is used once.
 */
export function newToken(): string {
  if (next === POOL_SECRETS) {
    randomFillSync(pool);
    encoded = pool.toString('base64url');
    next = 0;
  }
  const start = next * SECRET_CHARS;
  next += 1;
  return encoded.substring(start, start + SECRET_CHARS);
}

/**
 * A locker's tag (8 base64url characters): the part its owner tokens share, which names its wake-up channels.
 *
 * @example
 * ```ts
 * const tag = newLockerTag() // e.g. 'k3f9AbCd'
 * ```
 */
export function newLockerTag(): string {
  return randomBytes(TAG_BYTES).toString('base64url');
}

/**
 * An owner token of the locker tagged `tag`: `tag.secret`, where the secret is {@link newToken}'s 144 bits.
 *
 * Invariant, which the scripts rely on: every owner token is made here (the locker appends only its mode
 * suffix, `~s` or `~N`, see `config/mode.ts`), so it is never empty and holds only base64url characters, one
 * `.` and that suffix, never a `,`: `EXTEND_MANY` sends a batch's tokens as one string of `,`-ended fields
 * without checking each (see `test/ownerToken.test.ts`).
 *
 * @example
 * ```ts
 * ownerToken(newLockerTag()) // 'k3f9AbCd.' followed by 24 base64url characters
 * ```
 */
export function ownerToken(tag: string): string {
  return `${tag}.${newToken()}`;
}

/** The locker tag of an owner token; undefined for a token without one. */
export function lockerTagOf(token: string): string | undefined {
  const dot = token.indexOf('.');
  return dot < 0 ? undefined : token.slice(0, dot);
}
