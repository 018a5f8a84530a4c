import type { FolderIngestSummary, FolderPlan } from '../../pipelines/image-classification/ingest-folder.js';
import type { Io } from '../registry.js';
import type { TrainOptions } from './train-options.js';

/** Tell the user what was found in their folder: classes, split, skipped files with reasons, ignored entries. */
export function printFolderPlan(summary: FolderPlan, options: Pick<TrainOptions, 'testRatio' | 'seed'>, io: Io): void {
  const train = summary.perClass.train.reduce((a, b) => a + b, 0);
  const test = summary.perClass.test.reduce((a, b) => a + b, 0);
  const how = summary.split === 'folders' ? 'your train/ and test/ folders' : `split here: ${Math.round(options.testRatio * 100)}% test, seed ${options.seed}`;
  io.err.write(`${summary.classes.length} classes (${summary.classes.join(', ')}); ${train} train / ${test} test images (${how})\n`);
  if (summary.skipped.length) {
    io.err.write(`skipped ${summary.skipped.length} file(s) that could not be read as images (--strict refuses them instead):\n`);
    for (const s of summary.skipped.slice(0, 20)) io.err.write(`  ${s.file}: ${s.reason}\n`);
    if (summary.skipped.length > 20) io.err.write(`  … and ${summary.skipped.length - 20} more\n`);
  }
  const { hidden, symlinks, unsupported, misplaced } = summary.ignored;
  const ignored = [
    hidden && `${hidden} hidden`,
    symlinks && `${symlinks} symlink(s)`,
    unsupported && `${unsupported} not .png/.jpg/.jpeg/.webp`,
    misplaced && `${misplaced} outside <class>/ folders or nested in one`,
  ].filter(Boolean);
  if (ignored.length) io.err.write(`ignored ${hidden + symlinks + unsupported + misplaced} entries: ${ignored.join(', ')}\n`);
}

/** Say what the upload changed. */
export function printUploadSummary(summary: FolderIngestSummary, io: Io): void {
  const written = summary.train.written + summary.test.written + summary.train.replaced + summary.test.replaced;
  const removed = summary.train.removed + summary.test.removed;
  io.err.write(
    written || removed
      ? `uploaded: ${written} file(s) written${removed ? `, ${removed} removed (no longer in the folder, or moved to the other split)` : ''}; the pipeline is running\n`
      : 'nothing changed since the last upload\n',
  );
}
