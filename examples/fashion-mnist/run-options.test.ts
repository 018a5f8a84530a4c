import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseRunOptions, USAGE } from './run-options.js';

describe('npm start options', () => {
  it('takes --workers for data-parallel training on a worker pool, and documents it', () => {
    expect(parseRunOptions(['--workers', '2'])).toMatchObject({ workers: 2 });
    expect(parseRunOptions([])).not.toHaveProperty('workers');
    expect(() => parseRunOptions(['--workers', '0'])).toThrow(/--workers must be an integer >= 1/);
    expect(USAGE).toContain('--workers <n>');
  });

  it('--full trains in two workers on a machine with two cores or more, unless --workers says otherwise', () => {
    expect(parseRunOptions(['--full'])).toMatchObject(availableParallelism() > 1 ? { workers: 2 } : {});
    expect(parseRunOptions(['--full', '--workers', '1'])).toMatchObject({ workers: 1 });
    expect(parseRunOptions(['--full', '--workers', '3'])).toMatchObject({ workers: 3 });
  });
});
