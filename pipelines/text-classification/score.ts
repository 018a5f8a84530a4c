import type { ClassificationMetrics } from '../shared/metrics.js';
import { argmaxRows, classificationMetrics } from '../shared/metrics.js';
import { rocAuc } from '../shared/roc-auc.js';

/** Classification metrics, plus ROC-AUC when there are two classes (class 1 is the positive one). */
export interface TextMetrics extends ClassificationMetrics {
  rocAuc?: number;
  /** Indices of the test examples predicted wrongly: two models scored on the same split can be compared pair by pair (McNemar). */
  misclassified?: number[];
}

/** Score `count × classes` probabilities against the true labels. */
export function scoreProbabilities(probabilities: Float32Array, labels: Int32Array, classes: readonly string[]): TextMetrics {
  const k = classes.length;
  const predicted = argmaxRows(probabilities, k);
  const misclassified = Array.from(labels.keys()).filter((i) => predicted[i] !== labels[i]);
  const metrics: TextMetrics = { ...classificationMetrics(labels, predicted, classes), misclassified };
  if (k !== 2) return metrics;
  const auc = rocAuc(
    Array.from(labels, (_, i) => probabilities[i * 2 + 1] as number),
    Array.from(labels, (l) => l === 1),
  );
  return auc === undefined ? metrics : { ...metrics, rocAuc: auc };
}
