/**
 * Child process of the memory bench: streams `bytes` bytes into storage and
 * back out, sampling RSS every 10 ms, and prints
 * `{"rssRiseMb": peak RSS during the streams − RSS before}`. A fresh process
 * per mode so neither inherits the other's heap.
 *
 * Modes: `bucket` = FileBucket.put(stream) + getStream(); `encrypted` = the
 * same through encryptedBucket (local key); `raw` = fs.createWriteStream /
 * createReadStream (the floor any streaming copy pays).
 *
 * Usage: node --import tsx bench/children/stream-rss.ts <bucket|encrypted|raw> <bytes>
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileBucket } from '../../adapters/local/index.js';
import { encryptedBucket, generateLocalKey, localKey } from '../../src/index.js';

const [mode, bytesArg] = process.argv.slice(2);
const total = Number(bytesArg);
const CHUNK = 1024 * 1024;

/** `total` bytes in 1 MiB chunks, each freshly allocated as a real producer's would be. */
function source(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(CHUNK, total - sent);
      sent += n;
      this.push(Buffer.alloc(n, sent & 0xff));
    },
  });
}

/** Counts bytes and drops them. */
function sink(onBytes: (n: number) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      onBytes(chunk.byteLength);
      done();
    },
  });
}

const dir = await mkdtemp(join(tmpdir(), 'polyfaas-stream-rss-'));
try {
  const files = new FileBucket(dir, { durable: false });
  const bucket = mode === 'encrypted' ? encryptedBucket(files, localKey(generateLocalKey())) : files;
  // Load the code paths (and their heap) before the baseline reading.
  await bucket.put('warm', 'x');
  await pipeline((await bucket.getStream('warm')).body, sink(() => {}));
  global.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  let read = 0;
  const started = performance.now();
  if (mode === 'bucket' || mode === 'encrypted') {
    await bucket.put('big.bin', source(), { contentType: 'application/octet-stream' });
    await pipeline((await bucket.getStream('big.bin')).body, sink((n) => (read += n)));
  } else {
    await pipeline(source(), createWriteStream(join(dir, 'big.bin')));
    await pipeline(createReadStream(join(dir, 'big.bin')), sink((n) => (read += n)));
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  if (read !== total) throw new Error(`read back ${read} of ${total} bytes`);
  console.log(JSON.stringify({ mode, rssRiseMb: (peak - before) / 2 ** 20, seconds: (performance.now() - started) / 1000 }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
