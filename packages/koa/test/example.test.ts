import { createApp } from '../../../examples/koa/app.js';
import { describeBankExample } from '@deadbolt/http/conformance';

describeBankExample('examples/koa', (redis, locked) => {
  const { app, accounts, locker } = createApp({ redis, locked });
  const handle = app.callback();
  return { listener: (req, res) => void handle(req, res), accounts, locker };
});
