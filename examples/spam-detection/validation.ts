import { seededSplit } from 'polyfaas/pipelines';
import type { SpamMessage } from './corpus.js';
import { SPAM_CLASSES } from './corpus.js';

/** Share of the training split held out to choose settings, and its seed (the test split's is 17). */
export const SPAM_VALIDATION_SPLIT = { validationRatio: 0.2, seed: 18 } as const;

/**
 * The messages for a tuning run: the fixed test split (as `uploadTexts` draws
 * it from `testRatio` and `seed`) is dropped, and a stratified, seeded share
 * of the remaining training messages is labelled `test` so the pipeline scores
 * the candidate and both baselines on it. Settings are chosen on these scores;
 * the real test split is never seen while tuning.
 */
export function validationMessages(messages: readonly SpamMessage[], split: { testRatio: number; seed: number }): SpamMessage[] {
  // Same grouping as uploadTexts: one list per class in class-id order, input order within it.
  const byClass = (items: readonly SpamMessage[]) => SPAM_CLASSES.map((c) => items.filter((m) => m.label === c));
  const { train } = seededSplit(byClass(messages), split.testRatio, split.seed);
  const inner = seededSplit(train, SPAM_VALIDATION_SPLIT.validationRatio, SPAM_VALIDATION_SPLIT.seed);
  return [...inner.train.flat().map((m) => ({ ...m, split: 'train' })), ...inner.test.flat().map((m) => ({ ...m, split: 'test' }))];
}
