import { lockRequests } from '@deadbolt/express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { itemKey, listen, modeOptions, type AppSpec, type Harness } from '@deadbolt/http/conformance';

/** Runs the shared request-lock suite on one Express major version. */
export function expressHarness(name: string, create: () => Express): Harness {
  return {
    name,
    releaseAfterHandler: false,
    async serve(spec: AppSpec) {
      const app = create();
      app.set('env', 'test'); // no error stacks on stderr for the expected 500s
      const handler: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
        const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
        const call = { id: String(req.params['id']), query: req.query, lock: req.lock, closed };
        Promise.resolve(call)
          .then((c) => spec.handler(c))
          .then((reply) => {
            // No headersSent check: after a lost lock (503 sent) or a gone client, the late answer must be harmless.
            if (reply === 'none') return;
            if ('chunks' in reply) Readable.from(reply.chunks).pipe(res);
            else res.status(reply.status).json(reply.json);
          }, next);
      };
      const key = spec.key ?? itemKey;
      const input = (req: Request) => ({ params: req.params, query: req.query });
      const middleware = lockRequests({
        locker: spec.locker,
        key: (req) => key(input(req)),
        ...modeOptions(spec, input),
        ...(spec.customBusy === true
          ? {
              onBusy: (_req, res, _next, info) =>
                void res.status(423).json({ custom: true, keys: info.keys }),
            }
          : {}),
        ...spec.options,
      });
      if (spec.locked === false) app.get('/items/:id', handler);
      else if (spec.mount === 'use') app.use(middleware).get('/items/:id', handler);
      else app.get('/items/:id', middleware, handler);
      return listen(createServer(app));
    },
  };
}
