import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

/**
 * The console's static files: Pico's stylesheet and uPlot straight from their npm packages (no
 * CDN, nothing to build), and the console's own two small files. Read once at start-up: a
 * missing package fails the API's start, not a page view.
 */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const fromPackage = (specifier: string) => readFileSync(require.resolve(specifier));
  const own = (name: string) => readFileSync(path.join(__dirname, 'public', name));
  return new Map([
    ['pico.min.css', { type: 'text/css', body: fromPackage('@picocss/pico/css/pico.min.css') }],
    ['uPlot.min.css', { type: 'text/css', body: fromPackage('uplot/dist/uPlot.min.css') }],
    ['uPlot.iife.min.js', { type: 'text/javascript', body: fromPackage('uplot/dist/uPlot.iife.min.js') }],
    ['console.css', { type: 'text/css', body: own('console.css') }],
    ['charts.js', { type: 'text/javascript', body: own('charts.js') }],
  ]);
}

/** `GET /console/assets/:name`; public (stylesheets and scripts hold no customer data). */
export function assetHandler(): RequestHandler {
  const assets = loadAssets();
  return (req, res, next) => {
    const asset = assets.get(String(req.params['name']));
    if (asset === undefined) {
      next();
      return;
    }
    res.status(200).type(asset.type).set('Cache-Control', 'public, max-age=3600').send(asset.body);
  };
}
