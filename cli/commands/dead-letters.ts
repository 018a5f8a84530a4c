import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';
import type { Io } from '../registry.js';

/**
 * `polyfaas dead-letters <dir> [--app <name>]`: print the dead letters a local
 * server kept on disk, one JSON object a line (id, function, attempts, error,
 * time, subject). `<dir>` is the journal directory (`ServeOptions.stateDir`),
 * or, with `--app`, the root of the app's first file bucket.
 */
export async function deadLettersCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { app: { type: 'string' } } });
  const dir = positionals[0];
  if (!dir) throw new PolyfaasError('InvalidArgument', 'Missing <dir>; see polyfaas dead-letters --help');
  const { FileDeliveryJournal, defaultJournalDir } = await import('../../adapters/local/file-journal.js');
  const journal = new FileDeliveryJournal(values.app ? defaultJournalDir(dir, values.app) : dir);
  for (const letter of await journal.deadLetters()) {
    const subject = (letter.event as { subject?: unknown } | undefined)?.subject;
    io.out.write(
      `${JSON.stringify({ id: letter.id, function: letter.function, attempts: letter.attempts, error: letter.error, time: letter.time.toISOString(), ...(typeof subject === 'string' ? { subject } : {}) })}\n`,
    );
  }
  return 0;
}
