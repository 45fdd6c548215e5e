// @deadbolt/express alone (with core and Express): a locked route answers with the request's fence.
'use strict';
const { createServer } = require('node:http');
const { assertLockedRoute } = require('./support.cjs');

module.exports = (context) =>
  assertLockedRoute(
    context,
    '@deadbolt/express',
    'express',
    (express, lockRequests, locker) => {
      const app = express();
      app.get('/orders/:id', lockRequests({ locker, key: (req) => `order:${req.params.id}` }), (req, res) => {
        res.json({ fence: req.lock?.fence, held: req.lock?.signal.aborted === false });
      });
      return createServer(app);
    },
    '/orders/42',
  );
