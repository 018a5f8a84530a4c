import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { freePort } from '../support/server-process.js';

const root = resolve(import.meta.dirname, '../..');
const SERVERLESS_BIN = resolve(root, 'node_modules/serverless/bin/serverless.js');

/** A running `serverless offline start`: API Gateway on `httpUrl`, the Lambda Invoke API on `lambdaEndpoint`. */
export interface ServerlessOffline {
  httpUrl: string;
  /** For `new LambdaClient({ endpoint })`. */
  lambdaEndpoint: string;
  /** Everything the emulator printed so far (for failure messages). */
  output(): string;
  /** Kill the whole process group (serverless, its worker threads) and wait for it to go. */
  stop(): Promise<void>;
}

/** Any HTTP answer from the port means it is listening. */
function answers(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      ok(true);
    });
    req.on('error', () => ok(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Start serverless@3 + serverless-offline in `serviceDir` (a bundle folder with
 * its serverless.yml, inside the repo so the plugin and `sharp` resolve from the
 * repo's node_modules), on free ports, and wait until both the HTTP and the
 * Lambda port answer. Rejects with the emulator's output if it exits or is not
 * ready within `timeoutMs`; never skips.
 *
 * Node 20.19+ can `require()` ES modules, which breaks serverless@3's plugin
 * loader (it gets serverless-offline's module namespace instead of its default
 * export: "Cannot redefine property: _serverlessExternalPluginName"), hence
 * `--no-experimental-require-module`.
 */
export async function startServerlessOffline(serviceDir: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ServerlessOffline> {
  const httpPort = await freePort();
  const lambdaPort = await freePort();
  const args = [
    ...('require_module' in process.features ? ['--no-experimental-require-module'] : []),
    SERVERLESS_BIN,
    'offline',
    'start',
    '--host', '127.0.0.1',
    '--httpPort', String(httpPort),
    '--lambdaPort', String(lambdaPort),
    '--noPrependStageInUrl',
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: serviceDir,
    detached: true, // its own process group, so stop() ends everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_DEPRECATION_DISABLE: '*',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
      AWS_ACCESS_KEY_ID: 'offline',
      AWS_SECRET_ACCESS_KEY: 'offline',
      AWS_REGION: 'us-east-1',
      ...options.env,
    },
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exited: number | string | null | undefined;
  const gone = new Promise<void>((ok) =>
    child.once('exit', (code, signal) => {
      exited = code ?? signal;
      ok();
    }),
  );

  const stop = async () => {
    if (exited === undefined && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => child.pid && tryKill(-child.pid), 5_000);
      await gone;
      clearTimeout(killer);
    }
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`serverless offline exited (${String(exited)}) before it was ready:\n${output}`);
    if ((await answers(httpPort)) && (await answers(lambdaPort))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`serverless offline was not ready within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { httpUrl: `http://127.0.0.1:${httpPort}`, lambdaEndpoint: `http://127.0.0.1:${lambdaPort}`, output: () => output, stop };
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
