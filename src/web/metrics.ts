// Prometheus metrics: requests and durations per route, and token requests per grant type.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  durations: Histogram<'method' | 'route'>;
  tokenRequests: Counter<'grant_type' | 'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hawiya_' });
  return {
    registry,
    requests: new Counter({ name: 'hawiya_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    durations: new Histogram({
      name: 'hawiya_http_request_duration_seconds', help: 'HTTP request duration by route', labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    tokenRequests: new Counter({ name: 'hawiya_token_requests_total', help: 'Token endpoint requests by grant type and outcome', labelNames: ['grant_type', 'outcome'], registers: [registry] }),
  };
}
