import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';

/** What a finished child printed. */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from spawn to the first stdout line (the child's "done" signal), or to exit if it printed nothing. */
  firstLineMs: number;
}

/**
 * Run `command args` to completion and time it from spawn to its first line
 * of stdout: for cold starts, "the first prediction was served" is printed,
 * and whatever the child does afterwards (exit, flushing) is not counted.
 */
export function runChild(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstLineMs: number | undefined;
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (firstLineMs === undefined && stdout.includes('\n')) firstLineMs = performance.now() - start;
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, firstLineMs: firstLineMs ?? performance.now() - start }));
  });
}

/** Node arguments that run a `.ts` file through tsx (the benches' own runtime). */
export const TSX_ARGS = ['--import', 'tsx'] as const;

/** The last stdout line of a child, parsed as JSON; throws with the child's stderr if it is not. */
export function lastJsonLine<T>(result: ChildResult, what: string): T {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} exited ${result.code} without a JSON result:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-4000)}`);
  }
}
