import { Agent, request } from 'node:http';

/** What a closed-loop load run measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

/**
 * Closed-loop load: `clients` concurrent clients, each POSTing `body` to
 * `url` and sending the next request as soon as the answer arrives, for
 * `durationMs`. Plain `node:http` with keep-alive (lighter than fetch, so the
 * load generator steals less CPU from the server on a small machine).
 */
export async function closedLoop(url: string, body: Uint8Array, contentType: string, clients: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const target = new URL(url);
  const latenciesMs: number[] = [];
  let errors = 0;
  const post = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.byteLength } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const start = performance.now();
  const until = start + durationMs;
  const client = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const status = await post().catch(() => 0);
      if (status === 200) latenciesMs.push(performance.now() - t);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests: latenciesMs.length, errors, seconds, latenciesMs };
}
