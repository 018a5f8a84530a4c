import type { HttpTrigger } from '../function.js';

/** A matched route: which entry and the captured path parameters. */
export interface RouteMatch<T> {
  readonly target: T;
  readonly params: Record<string, string>;
}

interface Route<T> {
  method: string;
  pattern: RegExp;
  names: string[];
  target: T;
  staticScore: number;
}

/**
 * Match method + path against HTTP triggers. Static segments win over
 * `:params`, so `/models/latest` beats `/models/:name` whatever the order.
 */
export class HttpRouter<T> {
  private readonly routes: Route<T>[] = [];

  add(trigger: HttpTrigger, target: T): void {
    const names: string[] = [];
    const segments = trigger.path.split('/').filter(Boolean);
    const source = segments
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '/([^/]+)';
        }
        return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      })
      .join('');
    this.routes.push({
      method: trigger.method,
      pattern: new RegExp(`^${source || '/'}/?$`),
      names,
      target,
      staticScore: segments.filter((s) => !s.startsWith(':')).length,
    });
    this.routes.sort((a, b) => b.staticScore - a.staticScore);
  }

  /**
   * Find the route for a request. Returns `'method-not-allowed'` when the path
   * exists under another method, so callers can answer 405 rather than 404.
   */
  match(method: string, path: string): RouteMatch<T> | 'not-found' | 'method-not-allowed' {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      const methodOk = route.method === '*' || route.method === method || (method === 'HEAD' && route.method === 'GET');
      if (!methodOk) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '');
      });
      return { target: route.target, params };
    }
    return pathMatched ? 'method-not-allowed' : 'not-found';
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
