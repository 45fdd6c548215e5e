import { lockRequests, type LockState } from '@deadbolt/koa';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Context } from 'koa';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { itemKey, listen, modeOptions, type AppSpec, type Harness } from '@deadbolt/http/conformance';

type Params = Readonly<Record<string, unknown>> | undefined;

/** Runs the shared request-lock suite on one Koa major version, routed by @koa/router. */
export function koaHarness(name: string, create: () => Koa<LockState>): Harness {
  return {
    name,
    releaseAfterHandler: true,
    async serve(spec: AppSpec) {
      const app = create();
      app.silent = true; // no error stacks on stderr for the expected 500s
      const router = new Router<LockState>();
      const handler: Koa.Middleware<LockState> = async (ctx) => {
        const closed = new Promise<void>((resolve) => ctx.res.once('close', () => resolve()));
        const params = (ctx as { params?: Params }).params;
        const call = { id: String(params?.['id']), query: ctx.query, lock: ctx.state.lock, closed };
        const reply = await Promise.resolve(call).then((c) => spec.handler(c));
        if (reply === 'none') return;
        if ('chunks' in reply) {
          ctx.type = 'text/plain';
          ctx.body = Readable.from(reply.chunks);
        } else {
          ctx.status = reply.status;
          ctx.body = reply.json;
        }
      };
      const key = spec.key ?? itemKey;
      const input = (ctx: Context) => ({ params: (ctx as { params?: Params }).params, query: ctx.query });
      const middleware = lockRequests({
        locker: spec.locker,
        key: (ctx) => key(input(ctx)),
        ...modeOptions(spec, input),
        ...(spec.customBusy === true
          ? {
              onBusy: (ctx, info) => {
                ctx.status = 423;
                ctx.body = { custom: true, keys: info.keys };
              },
            }
          : {}),
        ...spec.options,
      });
      if (spec.locked === false) router.get('/items/:id', handler);
      else if (spec.mount === 'use') app.use(middleware) && router.get('/items/:id', handler);
      else router.get('/items/:id', middleware, handler);
      app.use(router.routes());
      const handle = app.callback();
      return listen(createServer((req, res) => void handle(req, res)));
    },
  };
}
