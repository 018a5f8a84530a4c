/**
 * Fan-out over function invocations: {@link map}, the functions it calls
 * ({@link defineMapFunction}) and the {@link Invoker} each backend provides.
 */
export { map } from './map.js';
export type { MapItem, MapResult, MapStats } from './map.js';
export type { MapOptions, StragglerOptions } from './map-options.js';
export { defineMapFunction } from './map-function.js';
export type { MapFunctionSpec, MapItemContext } from './map-function.js';
export type { Invoker, InvokeOptions } from './invoker.js';
export { inProcessInvoker } from './in-process-invoker.js';
export type { DirectInvokeTarget } from './in-process-invoker.js';
export type { MapTask } from './map-task.js';
