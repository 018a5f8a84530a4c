import { fileURLToPath } from 'node:url';
import type { AppDefinition, BucketBinding, Logger } from '../../src/index.js';
import type { DeliveryJournal } from '../../src/adapter.js';
import { NO_JOURNAL } from '../../src/adapter.js';
import { FileBucket } from './file-bucket.js';
import { defaultJournalDir, FileDeliveryJournal } from './file-journal.js';

/**
 * The delivery journal of a local server. `stateDir` wins; without it the
 * journal lives in the metadata area of the app's first file-bound bucket
 * (`<root>/.polyfaas/delivery/<app>/`), so it shares that bucket's file system
 * and lifetime: deleting the data directory starts from scratch, and it
 * fsyncs exactly when that bucket does. With
 * `stateDir: false`, or when no bucket is a file bucket, events live only in
 * memory, as before.
 */
export function openDeliveryJournal(
  app: AppDefinition,
  buckets: Record<string, BucketBinding> | undefined,
  stateDir: string | false | undefined,
  log: Logger,
): DeliveryJournal {
  if (stateDir === false) return NO_JOURNAL;
  if (stateDir !== undefined) return new FileDeliveryJournal(stateDir, log);
  for (const name of Object.keys(app.buckets)) {
    const binding = buckets?.[name] ?? app.buckets[name];
    const root = fileRoot(binding);
    // A bucket that skips fsync (`?durable=false`) gets a journal that does too: both survive kill -9, neither a power cut.
    if (root) return new FileDeliveryJournal(defaultJournalDir(root, app.name), log, !(typeof binding === 'string' && /[?&]durable=false(&|$)/.test(binding)));
  }
  log.debug('no file bucket: in-flight events are kept in memory only');
  return NO_JOURNAL;
}

function fileRoot(binding: BucketBinding | undefined): string | undefined {
  if (binding instanceof FileBucket) return binding.root;
  if (typeof binding !== 'string' || !binding.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(new URL(binding));
  } catch {
    // The bucket itself reports a malformed URL when it is opened.
    return undefined;
  }
}
