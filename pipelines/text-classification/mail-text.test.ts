import { describe, expect, it } from 'vitest';
import { htmlText, mailText } from './mail-text.js';

const crlf = (lines: string[]) => lines.join('\r\n');

describe('mailText', () => {
  it('keeps the subject and body and drops every header', () => {
    const text = mailText(crlf(['From: a@b.example', 'Received: from relay.example', 'Subject: Lunch', '  tomorrow?', '', 'See you at noon.']));
    expect(text).toBe('Lunch tomorrow?\nSee you at noon.');
    expect(text).not.toContain('relay');
  });

  it('decodes quoted-printable bodies in their charset and encoded-word subjects', () => {
    const raw = crlf([
      'Subject: =?iso-8859-1?Q?Caf=E9_offer?=',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Cr=E8me br=FBl=E9e for a long line that wraps =',
      'here.',
    ]);
    expect(mailText(raw)).toBe('Café offer\nCrème brûlée for a long line that wraps here.');
  });

  it('walks multipart messages: base64 HTML reduced to text, attachments skipped, plain preferred among alternatives', () => {
    const html = Buffer.from('<html><style>p{}</style><p>Buy&nbsp;<b>now</b> &amp; save&#33;</p></html>').toString('base64');
    const raw = crlf([
      'Subject: Deal',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      'preamble',
      '--XX',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      html,
      '--XX',
      'Content-Type: image/gif',
      'Content-Transfer-Encoding: base64',
      '',
      'R0lGODlhAQABAAAAACw=',
      '--XX',
      'Content-Type: multipart/alternative; boundary=YY',
      '',
      '--YY',
      'Content-Type: text/plain',
      '',
      'plain copy',
      '--YY',
      'Content-Type: text/html',
      '',
      '<p>html copy</p>',
      '--YY--',
      '--XX--',
    ]);
    const text = mailText(raw).replace(/\s+/g, ' ');
    expect(text).toBe('Deal Buy now & save! plain copy');
  });

  it('strips tags, scripts and comments from HTML', () => {
    expect(htmlText('<script>x()</script><!-- hi --><a href="u">link</a>&lt;3&#x41;').trim()).toBe('link <3A');
  });
});

describe('mailText on HTML sent as plain text', () => {
  it('strips the tags of an HTML body whatever its declared type', () => {
    expect(mailText('Subject: Offer\n\n<html><body><p>Cheap <font color=red>pills</font></p></body></html>').replace(/\s+/g, ' ').trim()).toBe('Offer Cheap pills');
    expect(mailText('Subject: Maths\n\nif a < b and c > d then e')).toBe('Maths\nif a < b and c > d then e');
  });
});
