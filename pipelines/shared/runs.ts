/**
 * Every pipeline keeps its training runs under this prefix of its bucket
 * (`runs/<run-id>/`: checkpoint, result, progress), so tools that follow runs —
 * the local console's Training page, `/status` — find them the same way for
 * image and text models.
 */
export const RUNS_PREFIX = 'runs/';
