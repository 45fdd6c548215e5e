import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The `@deadbolt/fastify` plugin: declares `request.lock` on the app (Fastify's `decorateRequest`, unset until
 * {@link lockRequests} grants a lock), so that every request object has the same shape from the start. Made with
 * `fastify-plugin`, so the declaration applies to the whole app whatever the scope it is registered in; it checks
 * that the app runs Fastify 5, and registering it again (say, by two plugins of the app) changes nothing.
 * `lockRequests` works without it, adding the property on the requests it locks.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { deadbolt } from '@deadbolt/fastify'
 *
 * const app = Fastify()
 * await app.register(deadbolt)
 * ```
 */
export const deadbolt: FastifyPluginCallback = fp(
  (app, _options, done) => {
    if (!app.hasRequestDecorator('lock')) app.decorateRequest('lock', undefined);
    done();
  },
  { fastify: '5.x', name: '@deadbolt/fastify' },
);
