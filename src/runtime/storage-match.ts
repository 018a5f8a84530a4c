import type { StorageTrigger } from '../function.js';
import type { StorageEvent } from '../events/storage.js';

/** True if a storage trigger wants this event (bucket, kind, prefix and suffix all match). */
export function matchesStorageTrigger(trigger: StorageTrigger, event: StorageEvent): boolean {
  if (trigger.bucket !== event.bucket) return false;
  if (!(trigger.events ?? ['created']).includes(event.kind)) return false;
  if (trigger.prefix !== undefined && !event.key.startsWith(trigger.prefix)) return false;
  if (trigger.suffix !== undefined && !event.key.endsWith(trigger.suffix)) return false;
  return true;
}
