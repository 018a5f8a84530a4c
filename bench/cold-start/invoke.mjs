// Cold-start runner, started as a fresh `node` process (no tsx: its loader
// would be part of the measured start-up). Imports a Lambda handler module,
// invokes it with one API Gateway v2 event carrying a PNG, and prints one JSON
// line as soon as the first prediction is answered — the parent times spawn →
// that line. With a burst count it then serves that many more requests
// (`concurrency` at a time) and prints a second line with the peak RSS.
//
// Usage: node invoke.mjs <handler-module> <png-file> [burst] [concurrency]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [modulePath, pngPath, burstArg, concurrencyArg] = process.argv.slice(2);
const png = readFileSync(pngPath);

/** An API Gateway HTTP API (payload v2) POST /predict, as API Gateway builds it. */
function event() {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/predict',
    rawQueryString: '',
    headers: { 'content-type': 'image/png', 'content-length': String(png.byteLength) },
    requestContext: {
      accountId: '123456789012', apiId: 'local', domainName: 'local.execute-api.us-east-1.amazonaws.com', domainPrefix: 'local',
      http: { method: 'POST', path: '/predict', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'polyfaas-bench' },
      requestId: `r-${now}-${Math.random()}`, routeKey: '$default', stage: '$default', time: new Date(now).toUTCString(), timeEpoch: now,
    },
    body: png.toString('base64'),
    isBase64Encoded: true,
  };
}

const context = () => ({ awsRequestId: `r-${Math.random()}`, functionName: 'bench', getRemainingTimeInMillis: () => 30_000 });

function check(result) {
  if (result?.statusCode !== 200) throw new Error(`handler answered ${result?.statusCode}: ${result?.body}`);
  return JSON.parse(result.body);
}

const importStart = performance.now();
const { handler } = await import(pathToFileURL(modulePath).href);
const imported = performance.now();
const first = check(await handler(event(), context()));
const served = performance.now();
console.log(JSON.stringify({
  top: first.predictions[0].label,
  // performance.now() counts from process start: node boot + import + first request.
  importMs: Math.round(imported - importStart),
  bootMs: Math.round(importStart),
  firstRequestMs: Math.round(served - imported),
}));

const burst = Number(burstArg ?? 0);
if (burst > 0) {
  const concurrency = Number(concurrencyArg ?? 16);
  let next = 0;
  const worker = async () => {
    while (next++ < burst) check(await handler(event(), context()));
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  console.log(JSON.stringify({ burst, burstMs: Math.round(performance.now() - t), maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}
process.exit(0);
