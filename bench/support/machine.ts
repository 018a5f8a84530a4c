import { cpus, totalmem } from 'node:os';

/** Where the numbers were measured: results are only comparable on the same machine. */
export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
}

/** Describe this machine for `bench/results.json`. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Number((totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}
