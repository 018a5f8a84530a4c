import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolyfaasError } from '../../src/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Text that must never reach a caller or the platform: stack frames, absolute
 * paths of this machine, and the messages JavaScript itself produces when code
 * trips over a malformed value.
 */
const FORBIDDEN: readonly string[] = [
  '    at ',
  repo,
  `${tmpdir()}/`,
  '/root',
  '/home',
  'file://',
  'Cannot read properties',
  'Cannot convert',
  'Cannot destructure',
  'undefined',
  'TypeError',
  'ReferenceError',
  'RangeError',
  'SyntaxError',
  'is not a function',
  'is not iterable',
  'is not defined',
  'Invalid Date',
  'Invalid time value',
  'Unexpected token',
  '[object Object]',
];

/** JSON text of anything a fuzz case sends or gets back (bytes as text, so tokens in bodies count). */
export function asText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (typeof v === 'bigint') return v.toString();
    if (v === undefined) return null;
    return v;
  }) ?? String(value);
}

/**
 * The forbidden tokens `output` contains that `input` did not already contain
 * (an echo of what the caller sent is not a leak).
 */
export function leaksIn(output: string, input: string): string[] {
  return FORBIDDEN.filter((token) => output.includes(token) && !input.includes(token));
}

/** What a failure shows a caller or the platform: name, code, message and details (never the stack). */
export function visibleError(err: unknown): string {
  if (err instanceof PolyfaasError) return asText({ name: err.name, code: err.code, message: err.message, details: err.details });
  if (err instanceof Error) return asText({ name: err.name, message: err.message });
  return asText(err);
}

/**
 * Why `err` is not an acceptable failure for a malformed input: it must be a
 * PolyfaasError with a code other than `Internal` (the inputs are the caller's
 * fault, and the fuzz apps' handlers never fail), and show nothing internal.
 * Undefined when it is acceptable.
 */
export function badFailure(err: unknown, input: string): string | undefined {
  if (!(err instanceof PolyfaasError)) return `not a PolyfaasError: ${visibleError(err)}`;
  if (err.code === 'Internal') return `uncoded (Internal) failure: ${err.message}`;
  const leaked = leaksIn(visibleError(err), input);
  return leaked.length ? `error shows ${leaked.join(', ')}: ${visibleError(err)}` : undefined;
}
