import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../support/server-process.js';

/** A `functions-framework` process serving one function on loopback. */
export interface FrameworkProcess {
  readonly url: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Options for {@link startFrameworkProcess}. */
export interface FrameworkProcessOptions {
  /** Folder (with package.json `main`) or module file holding the function. */
  source: string;
  target: string;
  env?: Record<string, string>;
  /** Extra `node` flags, e.g. `['--import', 'tsx']` to load TypeScript sources. */
  nodeArgs?: string[];
  /** How long to wait for the server to answer. Default 60 s (the machine is shared). */
  readyTimeoutMs?: number;
}

/**
 * Start the real Functions Framework binary (`functions-framework --target=<name>`)
 * as a child process on a free port and wait until it answers HTTP. Fails
 * loudly, with the process output, if it exits or never answers.
 */
export async function startFrameworkProcess(options: FrameworkProcessOptions): Promise<FrameworkProcess> {
  const require = createRequire(import.meta.url);
  // The package exports only its API; the binary's main.js sits beside the resolved index.js.
  const main = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), main, `--target=${options.target}`, `--source=${options.source}`, `--port=${port}`],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`functions-framework exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`functions-framework did not answer on ${url}:\n${output}`);
    }
    try {
      // Any HTTP answer means the server is up (HTTP functions answer favicon requests with 404 themselves).
      await fetch(`${url}/favicon.ico`, { signal: AbortSignal.timeout(1000) });
      ready = true;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

