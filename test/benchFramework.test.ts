import { expect } from 'chai';
import { parseCli } from '../bench/src/cli.js';
import { FRAMEWORKS, selectFrameworks } from '../bench/src/middleware/frameworks.js';

describe('bench: --framework picks the frameworks of the middleware scenario', () => {
  it('parses repeated --framework ids, and none as all', () => {
    const options = parseCli(['--scenario', 'middleware', '--framework', 'hono', '--framework', 'koa']);
    expect(options !== 'help' && options.frameworks).to.deep.equal(['hono', 'koa']);
    const all = parseCli(['--scenario', 'middleware']);
    expect(all !== 'help' && all.frameworks).to.deep.equal([]);
    expect(() => parseCli(['--framework'])).to.throw('--framework needs a framework id');
  });

  it('selects in the report order, all for none, and refuses an unknown id', () => {
    expect(selectFrameworks(['hono', 'express']).map((framework) => framework.id)).to.deep.equal([
      'express',
      'hono',
    ]);
    expect(selectFrameworks([])).to.equal(FRAMEWORKS);
    expect(() => selectFrameworks(['nest'])).to.throw(/No framework matches nest \(known: express, koa/);
  });
});
