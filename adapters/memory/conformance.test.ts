import { runBucketConformance, runRuntimeConformance } from '../../src/testing/index.js';
import { memoryHarness } from '../../test/support/memory-harness.js';
import { MemoryBucket } from './index.js';

runBucketConformance('MemoryBucket', async () => ({ bucket: new MemoryBucket('conformance') }), { getFilling: true });

runRuntimeConformance('memory runtime', memoryHarness);
