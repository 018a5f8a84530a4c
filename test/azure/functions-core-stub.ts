import Module from 'node:module';
import path from 'node:path';

/** A binding as `@azure/functions` describes it to the host (`RpcBindingInfo`). */
export interface RpcBinding {
  type: string;
  direction?: 'in' | 'out';
  name?: string;
  [key: string]: unknown;
}

/** One `registerFunction` call, as the real worker would receive it. */
export interface CapturedFunction {
  readonly name: string;
  readonly bindings: Readonly<Record<string, RpcBinding>>;
  readonly retryOptions?: Record<string, unknown>;
  readonly callback: (...args: unknown[]) => unknown;
  /** The trigger binding, found by type (binding names carry hash suffixes). */
  readonly trigger: RpcBinding & { name: string };
}

/** The programming model `@azure/functions` hands the worker (`setProgrammingModel`). */
export interface ProgrammingModelLike {
  getInvocationModel(coreCtx: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], handler: (...args: unknown[]) => unknown): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<{ returnValue?: unknown; outputData?: unknown[] }>;
  };
}

const captured: CapturedFunction[] = [];
let model: ProgrammingModelLike | undefined;

/**
 * Stand-in for `@azure/functions-core`, the module the Azure Functions Node.js
 * worker injects into the process. It records registrations instead of sending
 * them to the host.
 */
const core = {
  setProgrammingModel(m: ProgrammingModelLike) {
    model = m;
  },
  getProgrammingModel: () => model,
  registerFunction(metadata: { name: string; bindings: Record<string, RpcBinding>; retryOptions?: Record<string, unknown> }, callback: (...args: unknown[]) => unknown) {
    const trigger = Object.entries(metadata.bindings).find(([, b]) => b.type.toLowerCase().endsWith('trigger'));
    if (!trigger) throw new Error(`${metadata.name} has no trigger binding`);
    captured.push({ name: metadata.name, bindings: metadata.bindings, ...(metadata.retryOptions ? { retryOptions: metadata.retryOptions } : {}), callback, trigger: { ...trigger[1], name: trigger[0] } });
    return { dispose() {} };
  },
  registerHook: () => ({ dispose() {} }),
  log: () => undefined,
};

const STUB_ID = path.join(path.dirname(new URL(import.meta.url).pathname), '__azure-functions-core-stub__.cjs');
let installed = false;

/**
 * Make `require('@azure/functions-core')` return the stand-in. `@azure/functions`
 * requires it lazily at the first registration, so installing before calling
 * `registerAzure` is enough. Idempotent.
 */
export function installFunctionsCoreStub(): void {
  if (installed) return;
  installed = true;
  const mod = new Module(STUB_ID);
  mod.filename = STUB_ID;
  mod.loaded = true;
  mod.exports = core;
  const internals = Module as unknown as {
    _cache: Record<string, Module>;
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  internals._cache[STUB_ID] = mod;
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === '@azure/functions-core' ? STUB_ID : resolve.call(this, request, ...rest);
  };
}

/** Run `register` and return the functions it registered (and its result). */
export function captureRegistrations<T>(register: () => T): { result: T; functions: CapturedFunction[] } {
  installFunctionsCoreStub();
  const before = captured.length;
  const result = register();
  return { result, functions: captured.slice(before) };
}

/** The programming model `@azure/functions` set, once something was registered. */
export function programmingModel(): ProgrammingModelLike {
  if (!model) throw new Error('@azure/functions has not set its programming model (register a function first)');
  return model;
}

/** {@link captureRegistrations} for registrations made while a promise settles (importing an entry module). */
export async function captureRegistrationsAsync<T>(register: () => Promise<T>): Promise<{ result: T; functions: CapturedFunction[] }> {
  installFunctionsCoreStub();
  const before = captured.length;
  const result = await register();
  return { result, functions: captured.slice(before) };
}
