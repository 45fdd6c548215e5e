import { request, type IncomingHttpHeaders } from 'node:http';

/** A complete response as the client saw it. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json(): unknown;
}

/** A request the test can abandon: `destroy()` closes the client socket. */
export interface PendingRequest {
  readonly answer: Promise<Answer>;
  destroy(): void;
}

/** Sends `GET url + path` on its own connection (no agent), so 50 requests really run at once. */
export function send(url: string, path: string): PendingRequest {
  const req = request(`${url}${path}`, { agent: false });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text) as unknown,
        });
      });
    });
  });
  answer.catch(() => undefined);
  req.end();
  return { answer, destroy: () => req.destroy() };
}

/** Sends a request and resolves its answer. */
export function get(url: string, path: string): Promise<Answer> {
  return send(url, path).answer;
}
