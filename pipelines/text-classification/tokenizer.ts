import { PolyfaasError } from '../../src/index.js';

/** Format tag of a stored {@link Tokenizer}; bumped when encoding would change for the same text. */
export const TOKENIZER_FORMAT = 'polyfaas.text-tokenizer/v1';
/** Token id of padding. */
export const PAD_ID = 0;
/** Token id of every word outside the vocabulary. */
export const OOV_ID = 1;

/** How text becomes token ids. Saved in the model's (signed) manifest, so serving encodes exactly as training did. */
export interface Tokenizer {
  readonly format: typeof TOKENIZER_FORMAT;
  /** `word`: lowercase words, numbers and single symbols; `char`: one token per character. */
  readonly level: 'word' | 'char';
  /** Tokens by id; ids 0 (padding) and 1 (out of vocabulary) are reserved, so `vocab[0]` is the token with id 2. */
  readonly vocab: readonly string[];
  /** Every text becomes exactly this many ids: longer ones keep their first tokens, shorter ones are padded in front. */
  readonly maxLength: number;
}

/** Options for {@link fitTokenizer}. */
export interface TokenizerOptions {
  /** Default `word`. */
  level?: 'word' | 'char';
  /** Keep at most this many tokens (the most frequent). Default 20,000 for words, 500 for characters. */
  maxVocab?: number;
  /** Drop tokens seen fewer times than this in the training texts. Default 2. */
  minCount?: number;
  /** Length: this percentile of the training texts' token counts. Default 95. */
  lengthPercentile?: number;
  /** Bounds of the chosen length. Default 8 and 400 (words) or 2,000 (characters). */
  minLength?: number;
  maxLength?: number;
}

/**
 * Unicode-normalise (NFKC), lowercase, and fold every run of whitespace to one
 * space: the same text typed or pasted differently gives the same tokens.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

// Words (letters, digits, apostrophes inside words) or any single other visible symbol: "$", "!" carry signal in spam.
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** Split normalised text into tokens at the given level. */
export function tokenize(text: string, level: Tokenizer['level']): string[] {
  const normal = normalizeText(text);
  return level === 'char' ? Array.from(normal) : (normal.match(WORD) ?? []);
}

/**
 * Build a vocabulary from training texts: tokens by frequency (ties by token,
 * so the same texts always give the same ids), cut by `minCount` and
 * `maxVocab`; the length is a percentile of the texts' token counts.
 */
export function fitTokenizer(texts: Iterable<string>, options: TokenizerOptions = {}): Tokenizer {
  const level = options.level ?? 'word';
  const maxVocab = options.maxVocab ?? (level === 'word' ? 20_000 : 500);
  const minCount = options.minCount ?? 2;
  const percentile = options.lengthPercentile ?? 95;
  const lower = options.minLength ?? 8;
  const upper = options.maxLength ?? (level === 'word' ? 400 : 2000);
  if (!(Number.isInteger(maxVocab) && maxVocab > 0)) throw invalid(`maxVocab must be a positive integer, got ${maxVocab}`);
  if (!(percentile > 0 && percentile <= 100)) throw invalid(`lengthPercentile must be in (0, 100], got ${percentile}`);
  if (!(Number.isInteger(lower) && Number.isInteger(upper) && lower > 0 && lower <= upper)) throw invalid(`minLength/maxLength must be positive integers with minLength <= maxLength`);
  const counts = new Map<string, number>();
  const lengths: number[] = [];
  for (const text of texts) {
    const tokens = tokenize(text, level);
    lengths.push(tokens.length);
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  if (lengths.length === 0) throw invalid('cannot fit a tokenizer on no texts');
  const vocab = [...counts]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxVocab)
    .map(([t]) => t);
  lengths.sort((a, b) => a - b);
  const atPercentile = lengths[Math.min(lengths.length - 1, Math.ceil((percentile / 100) * lengths.length) - 1)] ?? lower;
  return { format: TOKENIZER_FORMAT, level, vocab, maxLength: Math.min(upper, Math.max(lower, atPercentile)) };
}

/** Size of the id space: the vocabulary plus padding and out-of-vocabulary. */
export function vocabularySize(tokenizer: Tokenizer): number {
  return tokenizer.vocab.length + 2;
}

/** A reusable encoder for one tokenizer (builds the token → id map once). */
export function createEncoder(tokenizer: Tokenizer): (text: string, out?: Int32Array) => Int32Array {
  const ids = new Map(tokenizer.vocab.map((t, i) => [t, i + 2]));
  return (text, out = new Int32Array(tokenizer.maxLength)) => {
    out.fill(PAD_ID);
    const tokens = tokenize(text, tokenizer.level);
    const n = Math.min(tokens.length, tokenizer.maxLength);
    // Keep the first tokens, padded in front: a recurrent layer then ends on the text, not on a run of padding it would have to carry its state through.
    const offset = tokenizer.maxLength - n;
    for (let i = 0; i < n; i++) out[offset + i] = ids.get(tokens[i] as string) ?? OOV_ID;
    return out;
  };
}

/** Check a tokenizer read from a model manifest. @throws `InvalidArgument` if it is not one this version can use. */
export function parseTokenizer(value: unknown): Tokenizer {
  const t = value as Partial<Tokenizer> | undefined;
  if (t?.format !== TOKENIZER_FORMAT || (t.level !== 'word' && t.level !== 'char') || !Array.isArray(t.vocab) || !Number.isInteger(t.maxLength)) {
    throw invalid(`not a ${TOKENIZER_FORMAT} tokenizer`);
  }
  return t as Tokenizer;
}

function invalid(message: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message);
}
