/**
 * The benchmarks `npm run bench` runs, in order: each is `bench/<name>.ts`
 * exporting `run(opts): Promise<BenchRow[]>`. Serving first (what the issue
 * cares most about), the slow training runs last.
 */
export const BENCHES = [
  'cold-start',
  'warm-latency',
  'warm-overhead',
  'console-observer',
  'training-progress',
  'micro-batching',
  'onnx-serving',
  'memory',
  'preprocessing',
  'preprocess-chunks',
  'file-bucket',
  's3-bucket',
  'azure-blob',
  'encrypted-bucket',
  'kv-stores',
  'idempotency',
  'cnn-train',
  'parallel-training',
  'text-train',
  'training-memory',
] as const;

export type BenchName = (typeof BENCHES)[number];
