import type { HttpBindings } from '@hono/node-server';
import { lockRequests, type LockEnv } from '@deadbolt/hono';
import { itemKey, modeOptions, type AppSpec, type Harness, type KeyInput } from '@deadbolt/http/conformance';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { stream } from 'hono/streaming';
import { listen } from './listen.js';

type AppEnv = { Bindings: HttpBindings } & LockEnv;

/** The query as the suite's key functions expect it: one value a string, a repeated parameter an array. */
function queryOf(c: Context): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

/** Runs the shared request-lock suite on Hono 4 served by @hono/node-server on a free port. */
export function honoHarness(name: string): Harness {
  return {
    name,
    releaseAfterHandler: true,
    async serve(spec: AppSpec) {
      const app = new Hono<AppEnv>();
      app.onError((_error, c) => c.json({ error: 'handler failed' }, 500));
      const handler = async (c: Context<AppEnv, '/items/:id'>) => {
        const { outgoing } = c.env;
        const closed = new Promise<void>((resolve) => outgoing.once('close', () => resolve()));
        const call = { id: c.req.param('id'), query: queryOf(c), lock: c.get('lock'), closed };
        const reply = await Promise.resolve(call).then((held) => spec.handler(held));
        if (reply === 'none') return c.body(null, 204);
        if ('chunks' in reply) {
          c.header('Content-Type', 'text/plain');
          return stream(c, async (body) => {
            for await (const chunk of reply.chunks) await body.write(chunk);
          });
        }
        return c.json(reply.json, reply.status as 200);
      };
      const key = spec.key ?? itemKey;
      const keyInput = (c: Context): KeyInput => ({ params: c.req.param(), query: queryOf(c) });
      const middleware: MiddlewareHandler<AppEnv> = lockRequests<AppEnv>({
        locker: spec.locker,
        key: (c) => key(keyInput(c)),
        ...modeOptions(spec, keyInput),
        ...(spec.customBusy === true
          ? { onBusy: (c, info) => c.json({ custom: true, keys: info.keys }, 423) }
          : {}),
        ...spec.options,
      });
      if (spec.locked === false) app.get('/items/:id', handler);
      else if (spec.mount === 'use') app.use(middleware).get('/items/:id', handler);
      else app.get('/items/:id', middleware, handler);
      return listen(app.fetch);
    },
  };
}
