import { randomFillSync } from 'node:crypto';

const TOKEN_BYTES = 16;
const POOL_TOKENS = 256;
const pool = Buffer.alloc(TOKEN_BYTES * POOL_TOKENS);
let next = POOL_TOKENS;

/**
 * A fresh owner token: 128 bits from the operating system's CSPRNG, base64url-encoded (22 characters).
 * Bytes are drawn in batches of 256 tokens to keep the hot path cheap; each byte is used once.
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
