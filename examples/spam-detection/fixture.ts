import { readFile } from 'node:fs/promises';
import type { SpamMessage } from './corpus.js';

/** The committed subset of the corpus (see data/SOURCE.md): 200 ham, 120 spam. */
export async function loadFixture(): Promise<SpamMessage[]> {
  const text = await readFile(new URL('./data/fixture.jsonl', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpamMessage);
}

/** Training small enough for tests: a few seconds on the fixture. */
export const QUICK_TRAINING = { epochs: 3, units: 16, embeddingDim: 32, batchSize: 32, learningRate: 0.01 } as const;
