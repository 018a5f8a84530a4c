import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/aws/s3/s3-sdk.js';
import { startConditionalProxy } from './conditional-proxy.js';

/** One S3 notification, as S3 (and s3rver) sends it to Lambda. */
export interface S3NotificationLike {
  Records: {
    eventName: string;
    eventTime?: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
  }[];
}

/** A real local S3 server for tests: s3rver (own process) behind the conditional-write proxy. */
export interface LocalS3 {
  /** Endpoint clients use (the proxy). */
  endpoint: string;
  client: S3Client;
  /** Create a bucket (idempotent). */
  createBucket(name: string): Promise<void>;
  /** Subscribe to S3 notifications for every change (what S3 would deliver to Lambda). */
  onEvent(listener: (event: S3NotificationLike) => void): () => void;
  close(): Promise<void>;
}

/** Credentials s3rver accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Start s3rver on a free port with a temp directory, and the conditional-write
 * proxy in front. Rejects (never skips) if it cannot start within 30 s.
 */
export async function startLocalS3(): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'polyfaas-s3rver-'));
  const child: ChildProcess = fork(new URL('./s3rver-process.mjs', import.meta.url), [directory], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listeners = new Set<(event: S3NotificationLike) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start in 30 s: ${stderr}`)), 30_000);
    child.on('message', (message: { type: string; port?: number; event?: S3NotificationLike }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port as number);
      } else if (message.type === 'event') {
        for (const listener of listeners) listener(message.event as S3NotificationLike);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}: ${stderr}`));
    });
  });
  const proxy = await startConditionalProxy(port);
  const endpoint = `http://127.0.0.1:${proxy.port}`;
  const client = await createS3Client({ endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
  return {
    endpoint,
    client,
    async createBucket(name) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } catch (err) {
        const errName = (err as { name?: string }).name;
        if (errName !== 'BucketAlreadyOwnedByYou' && errName !== 'BucketAlreadyExists') throw err;
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      client.destroy();
      await proxy.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
