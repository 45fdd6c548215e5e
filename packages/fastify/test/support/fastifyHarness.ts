import { deadbolt, lockRequests } from '@deadbolt/fastify';
import Fastify, { type FastifyRequest, type RouteHandlerMethod } from 'fastify';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { itemKey, modeOptions, type AppSpec, type Harness } from '@deadbolt/http/conformance';

/** Where the harness mounts the hook on the locked route. */
export type HookPhase = 'preHandler' | 'onRequest';

/**
 * Runs the shared request-lock suite on Fastify 5, with the hook on the route's `phase`; `mount: 'use'` adds it
 * app-wide (`app.addHook`), where Fastify has matched the route params already.
 */
export function fastifyHarness(name: string, phase: HookPhase): Harness {
  return {
    name,
    releaseAfterHandler: false,
    routeParamsEverywhere: true,
    async serve(spec: AppSpec) {
      const app = Fastify(); // logger off: no stacks on stderr for the expected 500s
      await app.register(deadbolt);
      const handler: RouteHandlerMethod = async (request, reply) => {
        const closed = new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
        const params = request.params as Readonly<Record<string, unknown>>;
        const query = request.query as Readonly<Record<string, unknown>>;
        const answer = await spec.handler({ id: String(params['id']), query, lock: request.lock, closed });
        // No sent check: after a lost lock (503 sent) or a gone client, the late answer must be harmless.
        if (answer === 'none') return reply.hijack();
        if ('chunks' in answer) return reply.type('text/plain').send(Readable.from(answer.chunks));
        return reply.code(answer.status).send(answer.json);
      };
      const key = spec.key ?? itemKey;
      const input = (request: FastifyRequest) => ({
        params: request.params as Readonly<Record<string, unknown>>,
        query: request.query as Readonly<Record<string, unknown>>,
      });
      const hook = lockRequests({
        locker: spec.locker,
        key: (request) => key(input(request)),
        ...modeOptions(spec, input),
        ...(spec.customBusy === true
          ? {
              onBusy: (_request, reply, info) => void reply.code(423).send({ custom: true, keys: info.keys }),
            }
          : {}),
        ...spec.options,
      });
      if (spec.locked === false) app.get('/items/:id', handler);
      else if (spec.mount === 'use') app.addHook(phase, hook).get('/items/:id', handler);
      else app.get('/items/:id', { [phase]: hook }, handler);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          app.server.closeAllConnections();
          await app.close();
        },
      };
    },
  };
}
