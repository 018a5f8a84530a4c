import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PolyfaasError } from '../../../src/index.js';
import { CONSOLE_CSS } from './styles.js';

/**
 * The console page's Content-Security-Policy: its own script, style and
 * connections only (no CDN, nothing inline), images from itself and the
 * object URLs of files dropped into the page, and frames from itself (run
 * reports, which are served sandboxed: see `model-api.ts`).
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; frame-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** The console's HTML: a shell the script fills, with this server's CSRF token for the script to send. */
export function consolePage(appName: string, csrf: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="polyfaas-csrf" content="${escapeHtml(csrf)}">
<title>${escapeHtml(appName)} · polyfaas console</title>
<link rel="stylesheet" href="console.css">
<script type="module" src="console.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">polyfaas</span> <span class="app">${escapeHtml(appName)}</span>
  <nav aria-label="Console sections"><ul>
    <li><a href="#functions">Functions</a></li>
    <li><a href="#invocations">Invocations</a></li>
    <li><a href="#buckets">Buckets</a></li>
    <li><a href="#models">Models</a></li>
    <li><a href="#training">Training</a></li>
    <li><a href="#try">Try it</a></li>
    <li><a href="#cost">Cost</a></li>
  </ul></nav>
  <span id="session" class="session"></span>
</header>
<main id="main" tabindex="-1"><p>Loading…</p></main>
<div id="toast" role="status" aria-live="polite"></div>
</body>
</html>
`;
}

/** The stylesheet. */
export function consoleCss(): string {
  return CONSOLE_CSS;
}

let bundled: Promise<string> | undefined;

/**
 * The browser script: `client/main.ts` (or its compiled `.js` in the
 * package) bundled into one file with esbuild, once per process, on the first
 * request for it.
 */
export function consoleScript(): Promise<string> {
  bundled ??= bundleClient().catch((err: unknown) => {
    bundled = undefined;
    throw new PolyfaasError('Internal', 'The console script could not be built', { cause: err });
  });
  return bundled;
}

async function bundleClient(): Promise<string> {
  const entry = ['client/main.ts', 'client/main.js'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
  if (!entry) throw new PolyfaasError('Internal', 'The console client is missing from the package');
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', target: 'es2022', platform: 'browser', minify: true, logLevel: 'silent', legalComments: 'none' });
  const file = out.outputFiles[0];
  if (!file) throw new PolyfaasError('Internal', 'esbuild produced no console script');
  return file.text;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
