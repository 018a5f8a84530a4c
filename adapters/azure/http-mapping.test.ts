import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import { encodeHttpResponse } from '../../src/adapter.js';
import { azure } from './azure-sdk.js';
import { parseSetCookie, toAzureResponse } from './http-mapping.js';

describe('Azure responses', () => {
  it('parses Set-Cookie lines into Azure cookies', () => {
    expect(parseSetCookie('sid=a=b; Path=/; Domain=example.com; Max-Age=60; Secure; HttpOnly; SameSite=lax; Partitioned')).toEqual({
      name: 'sid',
      value: 'a=b',
      path: '/',
      domain: 'example.com',
      maxAge: 60,
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(parseSetCookie('x=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT')?.expires).toEqual(new Date('2015-10-21T07:28:00Z'));
    expect(parseSetCookie('no-equals-sign')).toBeUndefined();
  });

  it('sends every cookie through `cookies`, which the worker keeps apart (headers hold one value per name)', () => {
    const encoded = encodeHttpResponse({ status: 200, headers: { 'set-cookie': ['a=1', 'b=2'] }, body: 'ok' }, { method: 'GET', log: createLogger({ level: 'silent' }) });
    const init = toAzureResponse(encoded);
    expect(init.cookies).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    expect(new azure.HttpResponse(init).headers.get('set-cookie')).toBeNull();
  });
});
