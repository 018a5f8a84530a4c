import { PolyfaasError } from '../../src/errors.js';

/** The `polyfaas train` options the image and text flows share, as `node:util` parseArgs declares them. */
export const COMMON_TRAIN_ARGS = {
  'batch-size': { type: 'string', default: '32' },
  'learning-rate': { type: 'string' },
  'test-ratio': { type: 'string', default: '0.2' },
  seed: { type: 'string', default: '42' },
  'min-test': { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string', default: '3000' },
  host: { type: 'string', default: '127.0.0.1' },
  exit: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
} as const;

/** The parsed values of {@link COMMON_TRAIN_ARGS}, as parseArgs returns them. */
export interface CommonTrainValues {
  'batch-size': string;
  'learning-rate'?: string | undefined;
  'test-ratio': string;
  seed: string;
  'min-test'?: string | undefined;
  name?: string | undefined;
  'data-dir'?: string | undefined;
  port: string;
  host: string;
  exit: boolean;
  verbose: boolean;
}

/** An integer option within [min, max], `undefined` when absent; otherwise `InvalidArgument` naming the option. */
export function intOption(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new PolyfaasError('InvalidArgument', `--${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return n;
}

/** Check and convert the shared options; bad values are `InvalidArgument` naming the option. */
export function parseCommonTrainValues(values: CommonTrainValues) {
  const testRatio = Number(values['test-ratio']);
  if (!(testRatio > 0 && testRatio < 1)) throw new PolyfaasError('InvalidArgument', `--test-ratio must be between 0 and 1, got ${values['test-ratio']}`);
  const learningRate = values['learning-rate'] === undefined ? undefined : Number(values['learning-rate']);
  if (learningRate !== undefined && !(learningRate > 0)) throw new PolyfaasError('InvalidArgument', `--learning-rate must be a positive number, got ${values['learning-rate']}`);
  const minTest = intOption('min-test', values['min-test'], 1);
  return {
    batchSize: intOption('batch-size', values['batch-size'], 1, 4096)!,
    ...(learningRate !== undefined ? { learningRate } : {}),
    testRatio,
    seed: intOption('seed', values.seed, 0, 2 ** 31 - 1)!,
    ...(minTest !== undefined ? { minTest } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    port: intOption('port', values.port, 0, 65535)!,
    host: values.host,
    exit: values.exit,
    verbose: values.verbose,
  };
}
