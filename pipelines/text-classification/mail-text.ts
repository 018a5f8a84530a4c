/**
 * The words of an e-mail message without its envelope: the subject and the
 * readable body. Headers are dropped (routing headers identify a corpus'
 * sources, not the message), MIME parts are walked, quoted-printable and
 * base64 are decoded, HTML is reduced to its text, attachments are skipped.
 * Own code, because a full MIME library would be most of the bundle for the
 * little a classifier needs.
 */
export function mailText(raw: string): string {
  const { headers, body } = splitMessage(raw);
  const subject = decodeEncodedWords(headers.get('subject') ?? '');
  return `${subject}\n${partText(headers, body, 0)}`.trim();
}

type Headers = Map<string, string>;

const MAX_DEPTH = 8;
const LOOKS_LIKE_HTML = /<\/?(html|body|head|div|table|font|p|br|a\s+href)\b[^>]*>/i;

function splitMessage(raw: string): { headers: Headers; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Headers = new Map();
  let last: string | undefined;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    // The first occurrence wins: later duplicates are usually added by relays.
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
    else last = undefined;
  }
  return { headers, body };
}

function partText(headers: Headers, body: string, depth: number): string {
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const mime = type.split(';')[0]?.trim() ?? 'text/plain';
  if (mime.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
    if (!boundary) return '';
    const parts = multipartParts(body, boundary).map((p) => splitMessage(p));
    if (mime === 'multipart/alternative') {
      // Both parts say the same; plain text is the cleaner copy.
      const plain = parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith('text/plain'));
      const chosen = plain ?? parts[parts.length - 1];
      return chosen ? partText(chosen.headers, chosen.body, depth + 1) : '';
    }
    return parts.map((p) => partText(p.headers, p.body, depth + 1)).filter(Boolean).join('\n');
  }
  if (mime === 'message/rfc822' && depth < MAX_DEPTH) {
    const inner = splitMessage(body);
    return partText(inner.headers, inner.body, depth + 1);
  }
  if (!mime.startsWith('text/')) return '';
  const charset = /charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1] ?? 'utf-8';
  const text = decodeBody(body, (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase(), charset);
  // Much spam sends HTML labelled text/plain (or with no content type at all): judge by the content too.
  return mime === 'text/html' || LOOKS_LIKE_HTML.test(text) ? htmlText(text) : text;
}

function multipartParts(body: string, boundary: string): string[] {
  const marker = `--${boundary}`;
  const parts: string[] = [];
  const chunks = body.split(marker);
  // Before the first marker is the preamble; after "--boundary--" the epilogue.
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    parts.push(chunk.replace(/^[ \t]*\r?\n/, ''));
  }
  return parts;
}

function decodeBody(body: string, encoding: string, charset: string): string {
  if (encoding === 'base64') return bytesToText(Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'), charset);
  if (encoding === 'quoted-printable') return bytesToText(quotedPrintable(body), charset);
  return body;
}

function quotedPrintable(text: string): Uint8Array {
  const soft = text.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      out.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      out.push(...Buffer.from(soft[i] as string, 'utf8'));
    }
  }
  return Uint8Array.from(out);
}

function bytesToText(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    // An unknown charset label: Latin-1 keeps every byte readable.
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** RFC 2047 `=?charset?B|Q?text?=` words, as found in subjects. */
function decodeEncodedWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_all, charset: string, kind: string, data: string) => {
    const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : quotedPrintable(data.replace(/_/g, ' '));
    return bytesToText(bytes, charset);
  });
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®' };

/** Visible text of an HTML fragment: scripts, styles and comments dropped, tags removed, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return safeChar(parseInt(name.slice(2), 16), all);
      if (name.startsWith('#')) return safeChar(parseInt(name.slice(1), 10), all);
      return ENTITIES[name.toLowerCase()] ?? all;
    });
}

function safeChar(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
