import { createApp } from '../../../examples/hono/app.js';
import { describeBankExample } from '@deadbolt/http/conformance';
import { getRequestListener } from '@hono/node-server';

describeBankExample('examples/hono', (redis, locked) => {
  const { app, accounts, locker } = createApp({ redis, locked });
  const handle = getRequestListener(app.fetch);
  return { listener: (req, res) => void handle(req, res), accounts, locker };
});
