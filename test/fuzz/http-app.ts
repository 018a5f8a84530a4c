import type { AnyFunction, HttpRequest } from '../../src/index.js';
import { defineApp, defineFunction, json } from '../../src/index.js';
import { eventProblems } from './event-invariants.js';

/** Problems the fuzz app's handlers saw in the requests they were given (cleared by each case). */
export const seenProblems: string[] = [];

const check = (req: HttpRequest) => void seenProblems.push(...eventProblems('http', req));

/**
 * The app the HTTP fuzz targets: parameter and literal routes, a catch-all
 * method, a small body limit, a handler that parses JSON, and one that fails
 * with an internal message (which must never be shown).
 */
export const httpFuzzApp = defineApp({
  name: 'fuzz-http',
  functions: [
    defineFunction({ name: 'root', trigger: { type: 'http', method: 'GET', path: '/' }, handler: (req) => (check(req), json({ ok: true })) }),
    defineFunction({ name: 'item', trigger: { type: 'http', method: 'GET', path: '/items/:id' }, handler: (req) => (check(req), json({ length: req.params.id?.length ?? -1 })) }),
    defineFunction({
      name: 'upload',
      maxBodyBytes: 4096,
      trigger: { type: 'http', method: 'POST', path: '/upload' },
      handler: (req) => (check(req), json({ size: req.body.byteLength })),
    }),
    defineFunction({
      name: 'parse',
      trigger: { type: 'http', method: 'POST', path: '/json' },
      handler: (req) => (check(req), json({ type: typeof req.json() })),
    }),
    defineFunction({ name: 'any', trigger: { type: 'http', method: '*', path: '/any' }, handler: (req) => (check(req), { status: 204 }) }),
    defineFunction({
      name: 'boom',
      trigger: { type: 'http', method: 'GET', path: '/boom' },
      handler: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x') at /home/dev/app/secret.ts:1:1");
      },
    }),
  ] as AnyFunction[],
});

/** Paths that stress routing and decoding: encoded, odd, traversal, huge. */
export const ODD_PATHS = [
  '/',
  '/items/1',
  '/items/%',
  '/items/%zz',
  '/items/%E0%A4%A',
  '/items/%00',
  '/items/..%2F..%2Fetc%2Fpasswd',
  '/items/a%2Fb',
  '/items/%F0%9F%99%82',
  '/items/%ED%A0%80',
  '//items//1',
  '/items/1/',
  '/items/.',
  '/items/..',
  '/upload',
  '/json',
  '/any',
  '/boom',
  '/nope',
  `/items/${'x'.repeat(8000)}`,
  '/ITEMS/1',
  '/items/1;a=b',
  '/items/1#frag',
];

/** Why an HTTP answer is wrong for the fuzz app (undefined: it is fine). */
export function responseProblem(status: number, body: string, path: string): string | undefined {
  if (!Number.isInteger(status) || status < 100 || status > 599) return `status ${status}`;
  if (status < 400) return undefined;
  let code: unknown;
  try {
    code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return `error ${status} without the JSON error body: ${body.slice(0, 200)}`;
  }
  if (typeof code !== 'string') return `error ${status} without a code: ${body.slice(0, 200)}`;
  // Only the handler that fails on purpose may answer Internal, and then with nothing but "Internal error".
  if (code === 'Internal' && !(path.startsWith('/boom') && body.includes('"message":"Internal error"'))) return `uncoded (Internal) error: ${body.slice(0, 200)}`;
  return undefined;
}
