import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A free TCP port on loopback (closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** How to start one emulator or server for a test run. */
export interface ServerProcessSpec {
  /** Named in the error when it does not start. */
  name: string;
  command: string;
  args: readonly string[];
  /** Resolves once the server answers; throwing (or resolving false) means "not yet". */
  ready: () => Promise<unknown>;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
  /** Pause between readiness probes. Default 100 ms. */
  intervalMs?: number;
  /** Run in a fresh temp directory (removed on stop), so stray files stay out of the repo. */
  tempDir?: string;
}

/** A server process started by {@link startServerProcess}. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** The temp working directory, when one was asked for. */
  readonly dir: string | undefined;
  /** SIGTERM, then SIGKILL after 5 s; removes the temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Start a server process and wait until `ready` succeeds. Throws — failing the
 * suite loudly, with the process's output — if it exits or is not ready in time.
 */
export async function startServerProcess(spec: ServerProcessSpec): Promise<ServerProcess> {
  const dir = spec.tempDir ? await mkdtemp(path.join(tmpdir(), spec.tempDir)) : undefined;
  const child = spawn(spec.command, [...spec.args], { ...(dir ? { cwd: dir } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && !spawnError) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  const until = Date.now() + (spec.timeoutMs ?? 30_000);
  for (;;) {
    let why: unknown = 'not ready';
    try {
      if ((await spec.ready()) !== false) return { child, dir, stop };
    } catch (err) {
      why = err;
    }
    if (spawnError || child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`${spec.name} did not start: ${String(spawnError ?? why)}\n${output}`);
    }
    await new Promise((r) => setTimeout(r, spec.intervalMs ?? 100));
  }
}
