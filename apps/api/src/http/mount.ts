import type { Express, RequestHandler } from 'express';
import { methodNotAllowed } from '../middleware/method-not-allowed';
import { routeLabel } from '../middleware/metrics';
import type { JsonRoute } from './json-route';
import { expressPath } from './route-spec';

/**
 * Registers routes on the app: each labelled with its template for the metrics, and behind the
 * token unless its spec says otherwise (only the health probes). Checking the token per route,
 * rather than before routing, lets the metrics name the route of a 401 too; the app still ends
 * with the same check for paths no route claims, so nothing is open by omission.
 */
export function mountJsonRoutes(app: Express, routes: readonly JsonRoute[], auth: RequestHandler): void {
  for (const { spec, handler } of routes) {
    const chain = spec.auth ? [routeLabel(spec.path), auth, handler] : [routeLabel(spec.path), handler];
    app[spec.method](expressPath(spec.path), ...chain);
  }
  // Then, per path, every other method: 405 with Allow (behind the token like the path itself).
  const byPath = new Map<string, JsonRoute[]>();
  for (const route of routes) byPath.set(route.spec.path, [...(byPath.get(route.spec.path) ?? []), route]);
  for (const [path, onPath] of byPath) {
    const guard = onPath.some((r) => r.spec.auth) ? [auth] : [];
    app.all(
      expressPath(path),
      routeLabel(path),
      ...guard,
      methodNotAllowed(onPath.map((r) => r.spec.method)),
    );
  }
}
