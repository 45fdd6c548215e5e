import { randomBytes, randomFillSync } from 'node:crypto';

const TOKEN_BYTES = 16;
const POOL_TOKENS = 256;
const pool = Buffer.alloc(TOKEN_BYTES * POOL_TOKENS);
let next = POOL_TOKENS;
/** Bytes of a locker's tag: 48 bits, 8 base64url characters. */
const TAG_BYTES = 6;

/**
 * 128 bits from the operating system's CSPRNG, base64url-encoded (22 characters): the secret part of an owner
 * token. Bytes are drawn in batches of 256 tokens to keep the hot path cheap; each byte is used once.
 */
export function newToken(): string {
  if (next === POOL_TOKENS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next * TOKEN_BYTES;
  next += 1;
  return pool.toString('base64url', start, start + TOKEN_BYTES);
}

/** A locker's tag (8 base64url characters): the part its owner tokens share, which names its wake-up channels. */
export function newLockerTag(): string {
  return randomBytes(TAG_BYTES).toString('base64url');
}

/** An owner token of the locker tagged `tag`: `tag.secret`, where the secret is {@link newToken}'s 128 bits. */
export function ownerToken(tag: string): string {
  return `${tag}.${newToken()}`;
}

/** The locker tag of an owner token; undefined for a token without one. */
export function lockerTagOf(token: string): string | undefined {
  const dot = token.indexOf('.');
  return dot < 0 ? undefined : token.slice(0, dot);
}
