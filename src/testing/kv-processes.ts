import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WorkerJob, WorkerReport } from './kv-worker.js';

/** How a child process reaches the store under test. */
export interface KvProcessSetup {
  /** The URL the child passes to `openKeyValueStore`. */
  url: string;
  /** Absolute path of a module whose export registers the URL's scheme (e.g. an adapter's `index.ts`). */
  module: string;
  /** That export's name. Default `registerSchemes`. */
  exportName?: string;
  /** Extra environment for the child (endpoints, connection strings). */
  env?: Record<string, string>;
}

const here = fileURLToPath(import.meta.url);
const workerFile = here.replace(/kv-processes\.(ts|js)$/, 'kv-worker.$1');

/**
 * Start one worker process per job, wait until every one has opened the store,
 * release them together and collect their reports. Rejects (with the child's
 * stderr) if any fails.
 */
export async function runWorkerProcesses(setup: KvProcessSetup, jobs: Omit<WorkerJob, 'url' | 'module' | 'exportName'>[]): Promise<WorkerReport[]> {
  const ts = workerFile.endsWith('.ts') || setup.module.endsWith('.ts');
  const children = jobs.map((job) => {
    const full: WorkerJob = { ...job, url: setup.url, module: setup.module, exportName: setup.exportName ?? 'registerSchemes' };
    const child = spawn(process.execPath, [...(ts ? ['--import', 'tsx'] : []), workerFile, JSON.stringify(full)], {
      env: { ...process.env, ...setup.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines: string[] = [];
    let onLine: (() => void) | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      onLine?.();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const failure = (what: string) => new Error(`kv worker ${what}: ${stderr.trim().slice(-2000) || '(no output)'}`);
    const ready = new Promise<void>((resolve, reject) => {
      onLine = () => lines.includes('ready') && resolve();
      void exited.then((code) => reject(failure(`exited with ${code} before ready`)));
    });
    const report = (async (): Promise<WorkerReport> => {
      const code = await exited;
      const last = lines.at(-1);
      if (code !== 0 || !last || last === 'ready') throw failure(`exited with ${code}`);
      return JSON.parse(last) as WorkerReport;
    })();
    return { child, ready, report };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
  } catch (err) {
    for (const { child } of children) child.kill('SIGKILL');
    await Promise.allSettled(children.map((c) => c.report));
    throw err;
  }
  for (const { child } of children) child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.report));
}
