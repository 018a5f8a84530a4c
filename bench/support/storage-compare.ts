import { randomBytes } from 'node:crypto';
import { median, round, timed } from './stats.js';
import type { BenchRow } from './types.js';
import { ratioRow } from './types.js';

/** The four operations compared: raw SDK calls and the polyfaas bucket, put and get. */
export interface StorageOps {
  rawPut(key: string, body: Uint8Array): Promise<unknown>;
  /** Must read the whole body and return its length. */
  rawGet(key: string): Promise<number>;
  ourPut(key: string, body: Uint8Array): Promise<unknown>;
  ourGet(key: string): Promise<number>;
}

/**
 * Time put and get of `size`-byte objects, raw and polyfaas alternating one
 * operation at a time (so load spikes from other jobs hit both), which side
 * goes first swapping every round (so neither always meets a server that just
 * handled a big request), after one unrecorded warm-up round. Rows report p50
 * ms/op, target polyfaas ≤ 1.10×.
 */
export async function compareStorage(what: string, label: string, size: number, iterations: number, ops: StorageOps, note: string): Promise<BenchRow[]> {
  const body = new Uint8Array(randomBytes(size));
  const ms = { rawPut: [] as number[], ourPut: [] as number[], rawGet: [] as number[], ourGet: [] as number[] };
  const check = (n: number, side: string) => {
    if (n !== size) throw new Error(`${side} read ${n} of ${size} bytes`);
  };
  for (let i = -1; i < iterations; i++) {
    const rawPut = () => timed(() => ops.rawPut(`raw/${label}/${i}`, body));
    const ourPut = () => timed(() => ops.ourPut(`ours/${label}/${i}`, body));
    const rawGet = () => timed(async () => check(await ops.rawGet(`raw/${label}/${i}`), 'raw'));
    const ourGet = () => timed(async () => check(await ops.ourGet(`ours/${label}/${i}`), 'polyfaas'));
    const t = { rawPut: 0, ourPut: 0, rawGet: 0, ourGet: 0 };
    if (i % 2 === 0) {
      t.rawPut = await rawPut();
      t.ourPut = await ourPut();
      t.rawGet = await rawGet();
      t.ourGet = await ourGet();
    } else {
      t.ourPut = await ourPut();
      t.rawPut = await rawPut();
      t.ourGet = await ourGet();
      t.rawGet = await rawGet();
    }
    if (i >= 0) for (const k of Object.keys(t) as (keyof typeof t)[]) ms[k].push(t[k]);
  }
  return (['put', 'get'] as const).map((op) =>
    ratioRow({
      metric: `${what} ${op} ${label}`,
      baseline: round(median(op === 'put' ? ms.rawPut : ms.rawGet), 3),
      polyfaas: round(median(op === 'put' ? ms.ourPut : ms.ourGet), 3),
      unit: 'ms/op p50',
      ratio: 'polyfaas/baseline',
      target: ['<=', 1.1],
      note: `${iterations} alternating ops each; ${note}`,
    }),
  );
}
