import { afterEach, describe, expect, it } from 'vitest';
import { createHttpRequest, json } from '../events/http.js';
import { defineApp, defineFunction } from '../function.js';
import { createLogger } from '../logger.js';
import { AppRuntime } from './app-runtime.js';
import { generateWarmupToken, isWarmupRequest, WARMUP_HEADER, WARMUP_TOKEN_ENV } from './warmup.js';

let handled = 0;
const app = defineApp({
  functions: [
    defineFunction({
      name: 'item',
      trigger: { type: 'http', method: 'GET', path: '/items/:id' },
      handler: (req) => (handled++, json({ fn: 'item', params: req.params })),
    }),
    defineFunction({ name: 'model', trigger: { type: 'http', method: 'GET', path: '/model' }, handler: (req) => (handled++, json({ fn: 'model', path: req.path })) }),
  ],
});
const log = createLogger({ level: 'silent' });
const previous = process.env[WARMUP_TOKEN_ENV];
afterEach(() => {
  handled = 0;
  if (previous === undefined) delete process.env[WARMUP_TOKEN_ENV];
  else process.env[WARMUP_TOKEN_ENV] = previous;
});

describe('AppRuntime.handleHttp: routing once', () => {
  it('trusts a platform that routed and captured parameters: no second routing', async () => {
    const rt = await AppRuntime.create(app, { provider: 'memory', log });
    const res = await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/Items/7' }), { target: { function: 'item', params: { id: '7' } } });
    expect(res.body).toBe(JSON.stringify({ fn: 'item', params: { id: '7' } }));
  });

  it('fits a platform-routed request to that function’s route only', async () => {
    const rt = await AppRuntime.create(app, { provider: 'memory', log });
    const own = await rt.handleHttp(createHttpRequest({ path: '/items/a%20b' }), { target: { function: 'item' } });
    expect(JSON.parse(own.body as string)).toEqual({ fn: 'item', params: { id: 'a b' } });
    // Another function's path is not reachable through this one.
    expect((await rt.handleHttp(createHttpRequest({ path: '/model' }), { target: { function: 'item' } })).status).toBe(404);
    expect((await rt.handleHttp(createHttpRequest({ method: 'POST', path: '/model' }), { target: { function: 'model' } })).status).toBe(405);
    const bare = await rt.handleHttp(createHttpRequest({ path: '/' }), { target: { function: 'model' } });
    expect(JSON.parse(bare.body as string)).toEqual({ fn: 'model', path: '/' });
    expect((await rt.handleHttp(createHttpRequest({ path: '/' }), { target: { function: 'item' } })).status).toBe(404);
  });
});

describe('AppRuntime.handleHttp: warm-up pings need the token', () => {
  it('treats the header as ordinary without a configured token', async () => {
    delete process.env[WARMUP_TOKEN_ENV];
    const rt = await AppRuntime.create(app, { provider: 'memory', log });
    const res = await rt.handleHttp(createHttpRequest({ path: '/model', headers: { [WARMUP_HEADER]: '1' } }));
    expect(JSON.parse(res.body as string)).toEqual({ fn: 'model', path: '/model' });
    expect(handled).toBe(1);
  });

  it('answers pings with the token (option or POLYFAAS_WARMUP_TOKEN) and runs the handler otherwise', async () => {
    const token = generateWarmupToken();
    expect(token).toMatch(/^[\w-]{40,}$/);
    expect(generateWarmupToken()).not.toBe(token);
    for (const rt of [
      await AppRuntime.create(app, { provider: 'memory', log, warmupToken: token }),
      await (async () => {
        process.env[WARMUP_TOKEN_ENV] = token;
        return AppRuntime.create(app, { provider: 'memory', log });
      })(),
    ]) {
      handled = 0;
      const ping = await rt.handleHttp(createHttpRequest({ path: '/model', headers: { [WARMUP_HEADER]: token } }));
      expect(JSON.parse(ping.body as string)).toMatchObject({ warm: true, function: 'model' });
      for (const wrong of ['1', '', `${token}x`, token.slice(1)]) {
        await rt.handleHttp(createHttpRequest({ path: '/model', headers: { [WARMUP_HEADER]: wrong } }));
      }
      expect(handled).toBe(4);
    }
  });

  it('compares tokens exactly', () => {
    expect(isWarmupRequest({ [WARMUP_HEADER]: 'abc' }, 'abc')).toBe(true);
    expect(isWarmupRequest({ [WARMUP_HEADER]: 'abd' }, 'abc')).toBe(false);
    expect(isWarmupRequest({}, 'abc')).toBe(false);
    expect(isWarmupRequest({ [WARMUP_HEADER]: '' }, '')).toBe(false);
  });
});
