import { dirname } from 'node:path';
import { Router, type RequestHandler } from 'express';
import { methodNotAllowed } from '../middleware/method-not-allowed';
import { routeLabel } from '../middleware/metrics';
import type { OpenApiDocument } from '../openapi/document';

/** Swagger UI's files, served from the installed package: the machine may be offline, so no CDN. */
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_FILES = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-16x16.png',
  'favicon-32x32.png',
];

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Rehook Mirror API</title>
  <link rel="stylesheet" href="./swagger-ui.css">
  <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="./swagger-ui-bundle.js"></script>
  <script src="./docs.js"></script>
</body>
</html>
`;

// The document is fetched from under /docs/ so that a browser that authenticated for /docs with
// basic auth sends the same credentials for it without asking again.
const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: './openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
`;

/**
 * `GET /openapi.json` and the browsable `GET /docs` (Swagger UI). Both need the token, like
 * everything else; a browser gets a basic-auth prompt for /docs (see the auth middleware).
 */
export function docsRouter(document: OpenApiDocument, auth: RequestHandler): Router {
  const router = Router();
  const body = JSON.stringify(document);
  const sendDocument: RequestHandler = (_req, res) => {
    res.type('application/json').send(body);
  };
  router.get('/openapi.json', routeLabel('/openapi.json'), auth, sendDocument);
  // The page refers to its files relatively (so it works behind a path prefix), which needs
  // the trailing slash; express matches `/docs` and `/docs/` alike, hence the check.
  router.get('/docs', routeLabel('/docs'), auth, (req, res) => {
    if (!req.originalUrl.split('?')[0]?.endsWith('/')) {
      res.redirect(301, 'docs/');
      return;
    }
    res.type('html').send(PAGE);
  });
  router.get('/docs/openapi.json', routeLabel('/docs'), auth, sendDocument);
  router.get('/docs/docs.js', routeLabel('/docs'), auth, (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  for (const file of SWAGGER_UI_FILES) {
    router.get(`/docs/${file}`, routeLabel('/docs'), auth, (_req, res) => {
      // `root`, so that the dot-directory of pnpm's store in the absolute path is not refused.
      res.sendFile(file, { root: SWAGGER_UI_DIR, maxAge: '1h' });
    });
  }
  const docsPaths = [
    '/docs',
    '/docs/openapi.json',
    '/docs/docs.js',
    ...SWAGGER_UI_FILES.map((f) => `/docs/${f}`),
  ];
  router.all('/openapi.json', routeLabel('/openapi.json'), auth, methodNotAllowed(['get']));
  router.all(docsPaths, routeLabel('/docs'), auth, methodNotAllowed(['get']));
  return router;
}
