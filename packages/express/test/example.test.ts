import { createApp } from '../../../examples/express/app.js';
import { describeBankExample } from '@deadbolt/http/conformance';

describeBankExample('examples/express', (redis, locked) => {
  const { app, accounts, locker } = createApp({ redis, locked });
  return { listener: app, accounts, locker };
});
