import { describe, expect, it } from 'vitest';
import type { AccessFacts } from './access.js';
import { checkAccess, CSRF_HEADER, isLoopback, isLoopbackHost, TOKEN_COOKIE } from './access.js';

const csrf = 'per-server-csrf-token';
const local = (headers: AccessFacts['headers'] = {}, method = 'GET', remoteAddress = '127.0.0.1'): AccessFacts => ({
  remoteAddress,
  method,
  headers: { host: '127.0.0.1:3000', ...headers },
});
const code = (facts: AccessFacts, token?: string) => checkAccess(facts, { csrf, ...(token ? { token } : {}) })?.code;

describe('console access', () => {
  it('lets loopback clients addressing localhost read, and nobody else without a token', () => {
    expect(code(local())).toBeUndefined();
    expect(code(local({ host: 'localhost:3000' }, 'GET', '::1'))).toBeUndefined();
    expect(code(local({}, 'GET', '::ffff:127.0.0.1'))).toBeUndefined();
    expect(code(local({}, 'GET', '192.168.1.20'))).toBe('Forbidden');
    expect(code(local({}, 'GET', '::ffff:10.0.0.2'))).toBe('Forbidden');
    // DNS rebinding: a loopback connection for a page served under another name.
    expect(code(local({ host: 'evil.example:3000' }))).toBe('Forbidden');
  });

  it('with a token, requires it of everyone (bearer or cookie), loopback included', () => {
    expect(code(local(), 'tok')).toBe('Unauthorized');
    expect(code(local({}, 'GET', '10.0.0.2'), 'tok')).toBe('Unauthorized');
    expect(code(local({ authorization: 'Bearer tok' }, 'GET', '10.0.0.2'), 'tok')).toBeUndefined();
    expect(code(local({ cookie: `a=b; ${TOKEN_COOKIE}=tok` }, 'GET', '10.0.0.2'), 'tok')).toBeUndefined();
    expect(code(local({ authorization: 'Bearer tak' }), 'tok')).toBe('Unauthorized');
    expect(code(local({ cookie: `${TOKEN_COOKIE}=%E0%A4%A` }), 'tok')).toBe('Unauthorized');
  });

  it('refuses state changes without the CSRF header, or from another site', () => {
    expect(code(local({}, 'POST'))).toBe('Forbidden');
    expect(code(local({ [CSRF_HEADER]: 'wrong' }, 'DELETE'))).toBe('Forbidden');
    expect(code(local({ [CSRF_HEADER]: csrf }, 'PUT'))).toBeUndefined();
    expect(code(local({ [CSRF_HEADER]: csrf, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }, 'POST'))).toBeUndefined();
    expect(code(local({ [CSRF_HEADER]: csrf, origin: 'http://127.0.0.1:4000' }, 'POST'))).toBe('Forbidden');
    expect(code(local({ [CSRF_HEADER]: csrf, 'sec-fetch-site': 'same-site' }, 'POST'))).toBe('Forbidden');
    expect(code(local({ [CSRF_HEADER]: csrf, 'sec-fetch-site': 'cross-site' }, 'POST'))).toBe('Forbidden');
  });

  it('knows loopback addresses and hosts', () => {
    expect([isLoopback('127.8.9.1'), isLoopback('::1'), isLoopback(undefined), isLoopback('128.0.0.1'), isLoopback('::ffff:127.0.0.1')]).toEqual([true, true, false, false, true]);
    expect(['localhost', 'localhost:80', '127.0.0.1:1', '[::1]:3000', 'localhost.evil.com', '127.0.0.1.evil.com', '', '[::2]:1'].map(isLoopbackHost)).toEqual([
      true, true, true, true, false, false, false, false,
    ]);
  });
});
