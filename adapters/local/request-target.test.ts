import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import { fromNodeRequest, nodeRequestPath } from '../../src/adapter.js';
import { serve } from './serve.js';

/** Regressions found by test/fuzz/http-local.test.ts. */

const req = (url: string) => ({ url, method: 'GET', headers: {} }) as unknown as IncomingMessage;

describe('request targets starting with //', () => {
  it('are paths, not hosts: //evil.com/x is not routed as /x, and // does not throw', () => {
    expect(nodeRequestPath(req('//evil.com/x?y=1'))).toBe('//evil.com/x');
    expect(nodeRequestPath(req('//'))).toBe('//');
    expect(nodeRequestPath(req('//items//1'))).toBe('//items//1');
    const request = fromNodeRequest(req('//evil.com/x?y=1'), new Uint8Array(), { requestId: 'r', source: 'test' });
    expect(request.path).toBe('//evil.com/x');
    expect(request.query).toEqual({ y: '1' });
    // Ordinary and absolute-form targets are unchanged.
    expect(nodeRequestPath(req('/a/b?c'))).toBe('/a/b');
    expect(nodeRequestPath(req('http://example.com/items/1'))).toBe('/items/1');
  });

  it('GET // gets a JSON 404 from the local server instead of a reset connection', async () => {
    const server = await serve(defineApp({ functions: [defineFunction({ name: 'x', trigger: { type: 'http', method: 'GET', path: '/x' }, handler: () => json({ hit: true }) })] }), {
      log: createLogger({ level: 'silent' }),
      schedules: false,
    });
    try {
      const answer = (target: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(server.port, '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
          let text = '';
          socket.on('data', (d: Buffer) => (text += d.toString()));
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
        });
      const bare = await answer('//');
      expect(bare).toMatch(/^HTTP\/1\.1 404 /);
      expect(bare).toContain('"code":"NotFound"');
      expect(await answer('//evil.com/x')).toMatch(/^HTTP\/1\.1 404 /);
      expect(await answer('/x')).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await server.close();
    }
  });
});
