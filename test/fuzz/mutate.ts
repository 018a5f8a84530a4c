import fc from 'fast-check';

/** A JSON document, as provider events arrive. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Strings that tend to break translators: empty, huge, odd Unicode, traversal, dates that are not dates. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    'null',
    'true',
    'not a date',
    '2024-02-30T25:61:00Z',
    '9999999999999999999999',
    '1e400',
    '../../etc/passwd',
    '/abs/key',
    'a//b',
    'a\u0000b',
    '\ud800',
    'a/\udfff',
    '%',
    '%zz',
    '%E0%A4%A',
    '+',
    'a+b%2Bc',
    '\r\nx-injected: 1',
    '🙂'.repeat(300),
    'arn:aws:sqs:us-east-1:1:',
    ':::',
    '__proto__',
    'constructor',
    'x'.repeat(70_000),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Any JSON-ish value a malformed field could hold instead of the right one. */
export const oddValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: oddString },
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 8.64e15 + 1, [], {}, [null], [{}], { length: 1 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** One edit of a JSON document: drop a field, null it, or give it another type or value. */
type Edit = { pick: number; op: 'drop' } | { pick: number; op: 'set'; value: Json };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ pick: fc.nat(), op: fc.constant('drop' as const) }),
  fc.record({ pick: fc.nat(), op: fc.constant('set' as const), value: oddValue }),
);

/**
 * A real event with 1–4 edits at random places (any depth, including whole
 * sub-objects and array elements).
 */
export function mutated(base: Json): fc.Arbitrary<Json> {
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let doc = structuredClone(base);
    for (const e of edits) doc = apply(doc, e);
    return doc;
  });
}

function apply(doc: Json, e: Edit): Json {
  const paths = allPaths(doc);
  const at = paths[e.pick % paths.length] as Path;
  if (at.length === 0) return e.op === 'set' ? e.value : doc;
  const parent = get(doc, at.slice(0, -1)) as Record<string | number, Json> | Json[];
  const last = at[at.length - 1] as string | number;
  if (e.op === 'drop') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Record<string, Json>)[last];
  } else {
    (parent as Record<string | number, Json>)[last] = e.value;
  }
  return doc;
}

function allPaths(doc: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => allPaths(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) allPaths(v, [...prefix, k], out);
  return out;
}

function get(doc: Json, at: Path): Json {
  let cur: Json = doc;
  for (const part of at) cur = (cur as Record<string | number, Json>)[part] as Json;
  return cur;
}

export type { Json };
