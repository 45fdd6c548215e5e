import { createServer } from 'node:net';
import { expect } from './chai.js';
import { freeClusterPort, freePort } from '../src/index.js';
import { mayHandOut } from '../src/freePort.js';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1' }, () => server.close(() => resolve(true)));
  });
}

describe('freePort / freeClusterPort', () => {
  it('the guard itself refuses 6379 and its cluster bus port, and any port already handed out', async () => {
    // The OS rarely offers 6379, so checking the ports it picks cannot fail; the guard can.
    expect(mayHandOut(6379)).to.equal(false);
    expect(mayHandOut(16379)).to.equal(false);
    const port = await freePort();
    expect(mayHandOut(port)).to.equal(false);
    expect(mayHandOut(1)).to.equal(true);
  });

  it('hands out distinct, bindable ports, never 6379', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await freePort());
    expect(new Set(ports).size).to.equal(ports.length);
    expect(ports).to.not.include(6379);
    expect(await canListen(ports[0]!)).to.equal(true);
  });

  it('freeClusterPort() also keeps port + 10000 free and never repeats', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 5; i++) ports.push(await freeClusterPort());
    for (const port of ports) {
      expect(port + 10000).to.be.at.most(65535);
      expect(await canListen(port + 10000)).to.equal(true);
    }
    const plain = await freePort();
    expect(ports).to.not.include(plain);
    expect(ports.map((p) => p + 10000)).to.not.include(plain);
    expect(new Set(ports).size).to.equal(ports.length);
  });
});
