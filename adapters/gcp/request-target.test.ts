import type { Request } from '@google-cloud/functions-framework';
import { describe, expect, it } from 'vitest';
import { fromNodeRequest, nodeRequestPath } from '../../src/adapter.js';

/** Regression found by test/fuzz/gcp-events.test.ts: `GET //` answered 500 Internal, `//evil.com/x` was routed as `/x`. */

const req = (originalUrl: string) => ({ originalUrl, url: originalUrl, method: 'GET', headers: {} }) as unknown as Request;

describe('request targets starting with //', () => {
  it('are paths, not hosts, and never throw', () => {
    expect(nodeRequestPath(req('//'))).toBe('//');
    expect(nodeRequestPath(req('//evil.com/x?y=1'))).toBe('//evil.com/x');
    expect(fromNodeRequest(req('//evil.com/x?y=1'), new Uint8Array(), { requestId: 'r', source: 'test' }).query).toEqual({ y: '1' });
    expect(nodeRequestPath(req('/upload?a=1'))).toBe('/upload');
  });
});
