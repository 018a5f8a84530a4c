/**
 * Public surface of the TensorFlow.js integration: backend selection, WASM
 * binary lookup and the extra WASM gradient kernels.
 */
export {
  currentBackend,
  initBackend,
  resetBackendSelectionForTests,
  type BackendInfo,
  type BackendLogger,
  type BackendName,
  type InitBackendOptions,
} from './backend.js';
export { registerWasmGradientKernels, type WasmKernelRegistration } from './register-wasm-kernels.js';
export {
  locateWasmFiles,
  WASM_BINARY_NAMES,
  type LocateWasmFilesOptions,
  type WasmDirSource,
  type WasmFilesLocation,
} from './wasm-files.js';
