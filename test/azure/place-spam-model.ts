/**
 * `node --import tsx test/azure/place-spam-model.ts`: train the quick spam
 * model and copy it into an Azurite container (AZURE_STORAGE_CONNECTION_STRING,
 * SPAM_CONTAINER, SPAM_PREFIX); prints the production version. Its own
 * process, so the test that loads a bundled function app (with its own copy of
 * TensorFlow.js) does not share tfjs' global backend registry with the sources.
 */
import { AzureBlobBucket } from '../../adapters/azure/index.js';
import { placeQuickSpamModel } from '../../examples/spam-detection/quick-model.js';

const { AZURE_STORAGE_CONNECTION_STRING: connectionString, SPAM_CONTAINER: container, SPAM_PREFIX: prefix } = process.env;
if (!connectionString || !container || prefix === undefined) throw new Error('set AZURE_STORAGE_CONNECTION_STRING, SPAM_CONTAINER and SPAM_PREFIX');
process.stdout.write(`${await placeQuickSpamModel(new AzureBlobBucket({ container, prefix, connectionString }))}\n`);
