import { PAD_ID } from './tokenizer.js';

/** A fitted multinomial naive Bayes model over token ids. */
export interface NaiveBayes {
  /** log P(class). */
  readonly logPrior: Float64Array;
  /** log P(token | class), `classes × vocabSize`, Laplace-smoothed. */
  readonly logLikelihood: Float64Array;
  readonly vocabSize: number;
}

/**
 * Multinomial naive Bayes with add-one smoothing, fitted on token-id
 * sequences (padding ignored): the classic spam baseline, a few lines and
 * no library.
 */
export function fitNaiveBayes(tokens: Int32Array, labels: Int32Array, length: number, vocabSize: number, numClasses: number): NaiveBayes {
  const counts = new Float64Array(numClasses * vocabSize);
  const totals = new Float64Array(numClasses);
  const docs = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    docs[c]! += 1;
    for (let p = 0; p < length; p++) {
      const t = tokens[i * length + p] as number;
      if (t === PAD_ID) continue;
      counts[c * vocabSize + t]! += 1;
      totals[c]! += 1;
    }
  }
  const logPrior = docs.map((d) => Math.log((d + 1) / (labels.length + numClasses)));
  const logLikelihood = new Float64Array(numClasses * vocabSize);
  for (let c = 0; c < numClasses; c++) {
    const denominator = Math.log((totals[c] as number) + vocabSize);
    for (let t = 0; t < vocabSize; t++) logLikelihood[c * vocabSize + t] = Math.log((counts[c * vocabSize + t] as number) + 1) - denominator;
  }
  return { logPrior, logLikelihood, vocabSize };
}

/** Class probabilities per example, `count × classes` row-major (softmax of the log scores). */
export function predictNaiveBayes(model: NaiveBayes, tokens: Int32Array, length: number): Float32Array {
  const k = model.logPrior.length;
  const count = tokens.length / length;
  const out = new Float32Array(count * k);
  const scores = new Float64Array(k);
  for (let i = 0; i < count; i++) {
    scores.set(model.logPrior);
    for (let p = 0; p < length; p++) {
      const t = tokens[i * length + p] as number;
      if (t === PAD_ID) continue;
      for (let c = 0; c < k; c++) scores[c]! += model.logLikelihood[c * model.vocabSize + t] as number;
    }
    const max = Math.max(...scores);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((scores[c] as number) - max);
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp((scores[c] as number) - max) / sum;
  }
  return out;
}
