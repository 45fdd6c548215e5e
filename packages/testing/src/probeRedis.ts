import { connect } from 'node:net';

/** `PING` followed by `INFO server`, RESP-encoded. */
const REQUEST = '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n';
const INCOMPLETE = Symbol('incomplete');

/** Parses `+PONG` then the `INFO server` bulk string; returns its `process_id`. */
function parseReply(buffer: Buffer): number | undefined | typeof INCOMPLETE {
  const firstEnd = buffer.indexOf('\r\n');
  if (firstEnd < 0) return INCOMPLETE;
  if (buffer.toString('latin1', 0, firstEnd) !== '+PONG') return undefined; // e.g. -LOADING
  const headerStart = firstEnd + 2;
  const headerEnd = buffer.indexOf('\r\n', headerStart);
  if (headerEnd < 0) return INCOMPLETE;
  const header = buffer.toString('latin1', headerStart, headerEnd);
  if (!header.startsWith('$')) return undefined;
  const length = Number(header.slice(1));
  const bodyStart = headerEnd + 2;
  if (buffer.length < bodyStart + length) return INCOMPLETE;
  const match = /^process_id:(\d+)/m.exec(buffer.toString('utf8', bodyStart, bodyStart + length));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * One readiness probe over raw TCP: sends PING and INFO server, and resolves with the server's
 * `process_id` when it answered PONG, or `undefined` when it refused, errored, is loading or did not
 * answer within `timeoutMs` (e.g. a SIGSTOPped server). Never rejects.
 */
export function probeRedis(host: string, port: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolvePid) => {
    let buffer = Buffer.alloc(0);
    let settled = false;
    const socket = connect({ host, port });
    const finish = (pid: number | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolvePid(pid);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('connect', () => socket.write(REQUEST));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const result = parseReply(buffer);
      if (result !== INCOMPLETE) finish(result);
    });
  });
}
