import type { EpochRecord } from '../shared/checkpoint.js';
import type { EvaluationReport } from '../shared/report.js';
import type { BatchProgress } from '../shared/trainer.js';

/**
 * Optional observers an app owner can attach (a CLI draws progress bars with
 * them). Functions work the same without them; in the cloud they stay unset
 * and progress goes to the structured log only.
 */
export interface PipelineHooks {
  onPreprocess?: (progress: { split: string; done: number; total: number }) => void;
  onTrainBatch?: (progress: BatchProgress & { runId: string }) => void;
  onTrainEpoch?: (record: EpochRecord & { runId: string }) => void;
  onEvaluated?: (report: EvaluationReport) => void;
}
