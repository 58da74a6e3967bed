// One autocannon run against one endpoint of one server: completed 2xx responses per
// second. Any other answer aborts the benchmark: a rate of errors measures nothing.
import autocannon from 'autocannon';

export interface Endpoint {
  path: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface Throughput {
  // 2xx answers, and the seconds they took.
  answered: number;
  seconds: number;
  p99Ms: number;
}

export async function hammer(baseUrl: string, endpoint: Endpoint, options: { seconds: number; connections: number }): Promise<Throughput> {
  const result = await autocannon({
    url: new URL(endpoint.path, baseUrl).href,
    method: endpoint.method,
    ...(endpoint.headers ? { headers: endpoint.headers } : {}),
    ...(endpoint.body !== undefined ? { body: endpoint.body } : {}),
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${endpoint.method} ${baseUrl}${endpoint.path}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return { answered: result['2xx'], seconds: result.duration, p99Ms: result.latency.p99 };
}

// One request, checked, before any load: a wrong answer is reported as such.
export async function checkEndpoint(baseUrl: string, endpoint: Endpoint, looksRight: (body: unknown) => boolean): Promise<void> {
  const response = await fetch(new URL(endpoint.path, baseUrl), {
    method: endpoint.method,
    ...(endpoint.headers ? { headers: endpoint.headers } : {}),
    ...(endpoint.body !== undefined ? { body: endpoint.body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (response.status !== 200 || !looksRight(body)) {
    throw new Error(`${endpoint.method} ${baseUrl}${endpoint.path} answered ${response.status}: ${text.slice(0, 300)}`);
  }
}

// One request, made fresh for each call: a client assertion or a DPoP proof is good once.
export interface FreshRequest {
  headers: Record<string, string>;
  body: string;
}

// As hammer, but every request is the next of `next()`, for endpoints that refuse replays.
export async function hammerFresh(baseUrl: string, path: string, next: () => FreshRequest, options: { seconds: number; connections: number }): Promise<Throughput> {
  const result = await autocannon({
    url: new URL(path, baseUrl).href,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    requests: [{ setupRequest: (request) => ({ ...request, method: 'POST', ...next() }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`POST ${baseUrl}${path}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return { answered: result['2xx'], seconds: result.duration, p99Ms: result.latency.p99 };
}
