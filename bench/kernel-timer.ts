/**
 * Per-kernel wall-clock timing for a tfjs backend, by wrapping every
 * registered kernelFunc. Works for synchronous backends (cpu, wasm), where the
 * time spent inside kernelFunc is the real compute time. Nested kernel calls
 * made directly by our WASM kernels are attributed to the calling kernel.
 */
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';

/** One row of the timing report. */
export interface KernelTiming {
  kernel: string;
  calls: number;
  ms: number;
}

/** Handle returned by {@link instrumentKernels}. */
export interface KernelTimer {
  /** Timings since the last reset, slowest first. */
  report(): KernelTiming[];
  /** Clears the accumulated timings. */
  reset(): void;
  /** Puts the original kernels back. */
  restore(): void;
}

/** Wraps all kernels of `backendName` with timers until `restore()` is called. */
export function instrumentKernels(backendName: string): KernelTimer {
  const stats = new Map<string, { calls: number; ms: number }>();
  const originals: KernelConfig[] = getKernelsForBackend(backendName);
  for (const config of originals) {
    const inner = config.kernelFunc;
    unregisterKernel(config.kernelName, backendName);
    registerKernel({
      ...config,
      kernelFunc: (args) => {
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          const s = stats.get(config.kernelName) ?? { calls: 0, ms: 0 };
          s.calls += 1;
          s.ms += performance.now() - start;
          stats.set(config.kernelName, s);
        }
      },
    });
  }
  return {
    report: () =>
      [...stats.entries()]
        .map(([kernel, s]) => ({ kernel, ...s }))
        .sort((a, b) => b.ms - a.ms),
    reset: () => stats.clear(),
    restore: () => {
      for (const config of originals) {
        unregisterKernel(config.kernelName, backendName);
        registerKernel(config);
      }
    },
  };
}
