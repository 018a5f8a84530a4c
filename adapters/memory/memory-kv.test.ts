import { runKeyValueConformance } from '../../src/testing/index.js';
import { MemoryKeyValueStore } from './index.js';

const store = new MemoryKeyValueStore('conformance');
// One process by nature: the "processes" are concurrent clients on the one store.
runKeyValueConformance('memory', { open: () => Promise.resolve(store) });
