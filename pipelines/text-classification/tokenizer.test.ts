import { describe, expect, it } from 'vitest';
import { createEncoder, fitTokenizer, normalizeText, OOV_ID, parseTokenizer, PAD_ID, tokenize, vocabularySize } from './tokenizer.js';

describe('text tokenizer', () => {
  it('normalises width, case and whitespace', () => {
    expect(normalizeText('  ＦＲＥＥ\tMoney\n\nNOW ')).toBe('free money now');
    expect(tokenize("Don't miss $100!!", 'word')).toEqual(["don't", 'miss', '$', '100', '!', '!']);
    expect(tokenize('Ab c', 'char')).toEqual(['a', 'b', ' ', 'c']);
  });

  it('keeps frequent tokens in a stable order, cuts the rest, and picks the length from the data', () => {
    const texts = ['win cash now', 'win big cash', 'meeting at noon', 'win the meeting', 'a b c d e f g h i j k l'];
    const t = fitTokenizer(texts, { minCount: 2, lengthPercentile: 80, minLength: 2 });
    expect(t.vocab).toEqual(['win', 'cash', 'meeting']);
    expect(t.maxLength).toBe(3);
    expect(vocabularySize(t)).toBe(5);
    expect(fitTokenizer(texts, { minCount: 1, maxVocab: 2 }).vocab).toEqual(['win', 'cash']);
  });

  it('encodes to fixed-length ids: first tokens kept, padding in front, out-of-vocabulary id', () => {
    const t = fitTokenizer(['win cash', 'win cash', 'win'], { minCount: 1, minLength: 4, maxLength: 4 });
    const encode = createEncoder(t);
    expect([...encode('WIN unknown cash')]).toEqual([PAD_ID, 2, OOV_ID, 3]);
    expect([...encode('win win win win win')]).toEqual([2, 2, 2, 2]);
  });

  it('accepts only tokenizers of its own format', () => {
    const t = fitTokenizer(['x y'], { minCount: 1 });
    expect(parseTokenizer(JSON.parse(JSON.stringify(t)))).toEqual(t);
    expect(() => parseTokenizer({ ...t, format: 'other/v9' })).toThrow(/tokenizer/);
    expect(() => fitTokenizer([])).toThrow(/no texts/);
  });
});
