/** Precision, recall and F1 of one class. */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** How many test examples truly belong to the class. */
  support: number;
}

/** Everything the evaluation step reports. */
export interface ClassificationMetrics {
  accuracy: number;
  count: number;
  perClass: ClassMetrics[];
  macro: { precision: number; recall: number; f1: number };
  /** `confusion[actual][predicted]` counts. */
  confusion: number[][];
  labels: string[];
  /** Area under the ROC curve, for two classes (class 1 positive); set by pipelines that score probabilities. */
  rocAuc?: number;
}

/**
 * Compute accuracy, per-class precision/recall/F1, their macro averages and
 * the confusion matrix. Classes with no predictions get precision 0 (not NaN),
 * so the JSON report is always valid.
 *
 * @example
 * ```ts
 * classificationMetrics([0, 1, 1], [0, 1, 0], ['cat', 'dog']).accuracy; // 2/3
 * ```
 */
export function classificationMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>, labels: readonly string[]): ClassificationMetrics {
  return metricsFromConfusion(confusionMatrix(actual, predicted, labels.length), labels);
}

/** `confusion[actual][predicted]` counts of `k` classes; counts of parts of a test set add up to the whole set's. */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  if (actual.length !== predicted.length) throw new RangeError(`actual has ${actual.length} entries, predicted ${predicted.length}`);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    if (!(a >= 0 && a < k && p >= 0 && p < k)) throw new RangeError(`class id out of range at ${i}: actual ${a}, predicted ${p}`);
    (confusion[a] as number[])[p]! += 1;
  }
  return confusion;
}

/**
 * Every metric of {@link classificationMetrics} from the confusion matrix
 * alone, so a test set scored in parts (summed matrices) reports exactly what
 * one pass over it reports.
 */
export function metricsFromConfusion(confusion: number[][], labels: readonly string[]): ClassificationMetrics {
  const k = labels.length;
  let count = 0;
  let correct = 0;
  confusion.forEach((row, a) => {
    for (const n of row) count += n;
    correct += row[a] as number;
  });
  const perClass = labels.map((label, c) => {
    const tp = (confusion[c] as number[])[c] as number;
    const support = (confusion[c] as number[]).reduce((s, v) => s + v, 0);
    const predictedAs = confusion.reduce((s, row) => s + (row[c] as number), 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const mean = (key: 'precision' | 'recall' | 'f1') => perClass.reduce((s, m) => s + m[key], 0) / Math.max(1, k);
  return {
    accuracy: count ? correct / count : 0,
    count,
    perClass,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    confusion,
    labels: [...labels],
  };
}

/** Index of the largest value in each row of a `[n, k]` row-major array. */
export function argmaxRows(values: ArrayLike<number>, k: number): Int32Array {
  const n = Math.floor(values.length / k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((values[i * k + j] as number) > (values[i * k + best] as number)) best = j;
    out[i] = best;
  }
  return out;
}
