import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort, startServerProcess } from '../support/server-process.js';

/** A redis-server started for a test run. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

/**
 * Start Debian's `redis-server` (7.x) on a free loopback port with no
 * persistence, and wait until it answers PING. Throws, failing the suite
 * loudly, if the binary is missing (`apt-get install -y redis-server`) or it
 * does not come up.
 */
export async function startRedis(options: { port?: number } = {}): Promise<RedisServer> {
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (.ci/run does it on CI)');
  }
  const port = options.port ?? (await freePort());
  const server = await startServerProcess({
    name: `redis-server on port ${port}`,
    command: 'redis-server',
    // Run in a temp dir; --dir . keeps anything it might write there.
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '.'],
    tempDir: 'polyfaas-redis-',
    ready: () => ping(port),
    timeoutMs: 20_000,
    intervalMs: 50,
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => server.stop(),
  };
}
