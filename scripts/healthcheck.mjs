/* global console, fetch, AbortSignal -- Node 20 globals; the lint config declares only CommonJS ones for .mjs files */
// Container health check: `node scripts/healthcheck.mjs http://127.0.0.1:3000/healthz` exits 0 when
// the URL answers 2xx within 3 s, 1 otherwise. Plain JavaScript and Node's fetch, because slim
// images have no curl and a TypeScript start-up would cost seconds on every probe.
const url = process.argv[2];
if (!url) {
  console.error('usage: node scripts/healthcheck.mjs URL');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  await response.arrayBuffer();
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
