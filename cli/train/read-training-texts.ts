import { basename } from 'node:path';
import { isPolyfaasError, PolyfaasError } from '../../src/errors.js';
import type { TextExample } from '../../pipelines/text-classification/text-dataset.js';
import { readTexts } from '../../pipelines/text-classification/read-texts.js';
import type { TextTrainOptions } from './text-train-options.js';

/**
 * Read the user's labelled texts and refuse, before anything is written, what
 * cannot train a classifier: no texts, one label, a label with a single text
 * when the split is made here. Errors are `InvalidArgument` with
 * `details.reason` and say what to do.
 */
export async function readTrainingTexts(options: Pick<TextTrainOptions, 'input' | 'textColumn' | 'labelColumn'>): Promise<TextExample[]> {
  const name = basename(options.input);
  let examples: TextExample[];
  try {
    examples = await readTexts(options.input, {
      ...(options.textColumn ? { text: options.textColumn } : {}),
      ...(options.labelColumn ? { label: options.labelColumn } : {}),
    });
  } catch (err) {
    // The reader names the missing column; the user also needs the flags that choose others.
    if (isPolyfaasError(err, 'InvalidArgument') && /no column|needs a string/.test(err.message)) {
      throw new PolyfaasError('InvalidArgument', `${err.message}; choose the columns with --text-column and --label-column`, { details: { reason: 'no-text-or-label' } });
    }
    throw err;
  }
  if (examples.length === 0) throw refuse('empty', `${name} holds no labelled texts`);
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const labels = [...counts.keys()].sort();
  if (labels.length < 2) throw refuse('one-class', `Only one label (${labels[0]}) in ${name}: a classifier needs at least two; add texts of each other class`);
  if (!examples.some((e) => e.split)) {
    const lonely = labels.filter((l) => (counts.get(l) ?? 0) < 2);
    if (lonely.length) throw refuse('class-too-small', `Label(s) ${lonely.join(', ')} have a single text: every label needs at least two (one to train, one to test)`);
  }
  return examples;
}

function refuse(reason: string, message: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message, { details: { reason } });
}
