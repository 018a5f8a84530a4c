import { describe, expect, it } from 'vitest';
import { HttpRouter } from './router.js';

describe('HttpRouter', () => {
  const router = new HttpRouter<string>();
  router.add({ type: 'http', method: 'GET', path: '/models/:name/versions/:version' }, 'version');
  router.add({ type: 'http', method: 'GET', path: '/models/:name' }, 'model');
  router.add({ type: 'http', method: 'GET', path: '/models/latest' }, 'latest');
  router.add({ type: 'http', method: 'POST', path: '/predict' }, 'predict');
  router.add({ type: 'http', method: '*', path: '/any' }, 'any');

  it('captures and decodes params', () => {
    expect(router.match('GET', '/models/fashion%20v2/versions/7')).toEqual({ target: 'version', params: { name: 'fashion v2', version: '7' } });
  });
  it('prefers static segments over params regardless of order', () => {
    expect(router.match('GET', '/models/latest')).toEqual({ target: 'latest', params: {} });
  });
  it('tolerates a trailing slash', () => {
    expect(router.match('POST', '/predict/')).toMatchObject({ target: 'predict' });
  });
  it('distinguishes 404 from 405', () => {
    expect(router.match('GET', '/nowhere')).toBe('not-found');
    expect(router.match('GET', '/predict')).toBe('method-not-allowed');
  });
  it('routes HEAD to GET and * to every method', () => {
    expect(router.match('HEAD', '/models/x')).toMatchObject({ target: 'model' });
    expect(router.match('DELETE', '/any')).toMatchObject({ target: 'any' });
  });
  it('treats regex characters in paths literally', () => {
    const r = new HttpRouter<string>();
    r.add({ type: 'http', method: 'GET', path: '/a.b' }, 'dot');
    expect(r.match('GET', '/axb')).toBe('not-found');
    expect(r.match('GET', '/a.b')).toMatchObject({ target: 'dot' });
  });
});
