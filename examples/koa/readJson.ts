import type { Context } from 'koa';

/** Reads a small JSON request body (up to 16 KB); `undefined` when it is missing or not JSON. */
export async function readJson(ctx: Context): Promise<unknown> {
  let text = '';
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 16_384) return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
