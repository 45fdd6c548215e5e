/**
 * A benchmark worker process, forked by the runner: it opens clients of one library, runs their loops on a
 * start signal and sends the measurements back over IPC. One reply per message, in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { libraryById } from '../libraries/libraries.js';
import type { LockClient } from '../libraries/LockLibrary.js';
import { emptyTally, runClientLoop, type Tally } from './clientLoop.js';
import { commandsSent, countCommands } from './commandCounter.js';
import { epochNow, type FromWorker, type RunMessage, type ToWorker } from './protocol.js';

countCommands();
let clients: LockClient[] = [];
/** The middleware scenario's app, while one is served. */
let served: { close(): Promise<void> } | undefined;

async function handle(message: ToWorker): Promise<FromWorker> {
  switch (message.type) {
    case 'open': {
      const library = libraryById(message.library);
      if (message.shared) {
        const client = await library.connect(message.redisUrls);
        clients = Array.from({ length: message.clients }, () => client);
      } else {
        clients = await Promise.all(
          Array.from({ length: message.clients }, () => library.connect(message.redisUrls)),
        );
      }
      return { type: 'opened' };
    }
    case 'run':
      return { type: 'finished', result: await run(message) };
    case 'close':
      await Promise.all([...new Set(clients)].map((client) => client.close()));
      clients = [];
      return { type: 'closed' };
    case 'serve': {
      // Loaded on demand: the lock scenarios' workers need no web framework.
      const { startItemServer } = await import('../middleware/itemServer.js');
      await served?.close();
      const server = await startItemServer(message.framework, message.redisUrl, message.probe);
      served = server;
      return { type: 'serving', port: server.port };
    }
    case 'unserve':
      await served?.close();
      served = undefined;
      return { type: 'unserved' };
    case 'usage': {
      const { user, system } = process.cpuUsage();
      return { type: 'usage', cpuMicros: user + system };
    }
    case 'soak': {
      const { runSoak } = await import('../soak/soakLoop.js');
      return { type: 'soaked', result: await runSoak(message) };
    }
    case 'held': {
      const { runHeld } = await import('../held/heldLoop.js');
      return { type: 'held', result: await runHeld(message) };
    }
    case 'pipelining': {
      const { runPipelining } = await import('../pipelining/pipeliningLoop.js');
      return { type: 'pipelined', result: await runPipelining(message) };
    }
  }
}

async function run(message: RunMessage): Promise<Tally> {
  const tally = emptyTally(clients.length);
  await sleep(Math.max(0, message.startAt - epochNow()));
  while (epochNow() < message.startAt) await sleep(0);
  const sentBefore = commandsSent();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    clients.map((client, index) =>
      runClientLoop(
        client,
        {
          index,
          key: message.keys[index] ?? `bench:unnamed:${index}`,
          holdMs: message.holdMs,
          startAt: message.startAt,
          endAt: message.endAt,
          ...(message.mode && { mode: message.mode }),
        },
        tally,
      ),
    ),
  );
  tally.commandsSent = commandsSent() - sentBefore;
  const cpu = process.cpuUsage(cpuBefore);
  tally.cpuMs = (cpu.user + cpu.system) / 1000;
  return tally;
}

let queue = Promise.resolve();
process.on('message', (message: ToWorker) => {
  queue = queue.then(async () => {
    const reply = await handle(message).catch((error: unknown): FromWorker => ({
      type: 'failed',
      message: String(error),
    }));
    process.send?.(reply);
  });
});
process.on('disconnect', () => process.exit(0));
