/** The pipelines' test bucket, now shared with the text pipeline's tests (kept here so existing imports hold). */
export { createTestBucket } from '../shared/test-bucket.js';
