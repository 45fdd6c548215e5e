import { createApp } from '../../../examples/fastify/app.js';
import { describeBankExample } from '@deadbolt/http/conformance';

describeBankExample('examples/fastify', (redis, locked) => {
  const { app, accounts, locker } = createApp({ redis, locked });
  // Fastify's router as a plain Node listener, once its plugins are loaded.
  const ready = app.ready();
  return { listener: (req, res) => void ready.then(() => app.routing(req, res)), accounts, locker };
});
