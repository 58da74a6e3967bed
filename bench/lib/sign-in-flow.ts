// One complete authorization-code sign-in, as a browser and a relying party do it:
//   GET /auth (PKCE S256) -> sign-in page -> POST username, password, csrf
//   -> /auth/:uid -> consent page -> POST csrf -> /auth/:uid -> redirect_uri?code=
//   -> POST /token (code + verifier, client_secret_basic) -> id_token.
// Plain fetch, redirects followed by hand, a fresh cookie jar per sign-in.
import { createHash, randomBytes } from 'node:crypto';
import { createCookieJar, type CookieJar } from './cookie-jar.ts';
import type { ClientMetadata } from '../../src/oidc/clients.ts';
import { basicAuthorization } from './fixtures.ts';

const STEP_TIMEOUT_MS = 10_000;
// A sign-in that has not reached the redirect_uri after this many requests is broken.
const MAX_REQUESTS = 12;

export interface SignInSubject {
  baseUrl: string;
  client: ClientMetadata;
  redirectUri: string;
  username: string;
  password: string;
}

interface Page {
  url: URL;
  status: number;
  location: string | null;
  html: string;
}

interface PrimaryForm {
  action: URL;
  csrf: string;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(subject: SignInSubject, state: string, challenge: string): URL {
  const url = new URL('/auth', subject.baseUrl);
  url.search = new URLSearchParams({
    client_id: subject.client.client_id,
    redirect_uri: subject.redirectUri,
    response_type: 'code',
    scope: 'openid profile',
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

// One request as the browser sends it: the jar's cookies out, Set-Cookie back in.
async function browse(jar: CookieJar, url: URL, form?: URLSearchParams): Promise<Page> {
  const headers: Record<string, string> = { accept: 'text/html' };
  const cookie = jar.headerFor(url.pathname);
  if (cookie) headers.cookie = cookie;
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers,
    ...(form ? { body: form.toString() } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  jar.store(response.headers.getSetCookie());
  return { url, status: response.status, location: response.headers.get('location'), html: await response.text() };
}

// The page's first form (sign-in or consent; the second one is "cancel") and its csrf.
function primaryForm(page: Page): PrimaryForm {
  const match = /<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)">/.exec(page.html);
  if (!match?.[1] || !match[2]) throw new Error(`no form on the page at ${page.url.pathname} (status ${page.status})`);
  return { action: new URL(match[1], page.url), csrf: match[2] };
}

function answer(form: PrimaryForm, subject: SignInSubject): URLSearchParams {
  if (form.action.pathname.endsWith('/login')) {
    return new URLSearchParams({ csrf: form.csrf, username: subject.username, password: subject.password });
  }
  if (form.action.pathname.endsWith('/confirm')) return new URLSearchParams({ csrf: form.csrf });
  throw new Error(`unexpected form action ${form.action.pathname}`);
}

function codeFrom(redirect: URL, state: string): string {
  const params = redirect.searchParams;
  if (params.get('error')) throw new Error(`the provider answered ${params.get('error')}: ${params.get('error_description') ?? ''}`);
  if (params.get('state') !== state) throw new Error('the state came back changed');
  const code = params.get('code');
  if (!code) throw new Error('no code in the redirect to the client');
  return code;
}

async function exchangeCode(subject: SignInSubject, code: string, verifier: string): Promise<void> {
  const response = await fetch(new URL('/token', subject.baseUrl), {
    method: 'POST',
    headers: { authorization: basicAuthorization(subject.client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: subject.redirectUri, code_verifier: verifier }).toString(),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const body = (await response.json()) as { id_token?: unknown; error?: unknown };
  if (response.status !== 200 || typeof body.id_token !== 'string') {
    throw new Error(`the code exchange answered ${response.status} ${String(body.error ?? '')}`);
  }
}

// Runs one sign-in; resolves with the number of HTTP requests it took.
export async function signIn(subject: SignInSubject): Promise<number> {
  const jar = createCookieJar();
  const state = randomBytes(12).toString('base64url');
  const { verifier, challenge } = pkcePair();
  let page = await browse(jar, authorizationUrl(subject, state, challenge));
  for (let requests = 1; requests < MAX_REQUESTS; requests++) {
    if (page.status >= 300 && page.status < 400 && page.location) {
      const next = new URL(page.location, page.url);
      if (next.href.startsWith(subject.redirectUri)) {
        await exchangeCode(subject, codeFrom(next, state), verifier);
        return requests + 1;
      }
      page = await browse(jar, next);
    } else if (page.status === 200) {
      const form = primaryForm(page);
      page = await browse(jar, form.action, answer(form, subject));
    } else {
      throw new Error(`${page.url.pathname} answered ${page.status}`);
    }
  }
  throw new Error(`the sign-in did not reach the client within ${MAX_REQUESTS} requests`);
}

// `count` sign-ins, `concurrency` at a time; the wall time of all, and requests per sign-in.
export async function timeSignIns(subject: SignInSubject, count: number, concurrency: number): Promise<{ elapsedMs: number; requestsPerSignIn: number }> {
  let next = 0;
  let requestsPerSignIn = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      requestsPerSignIn = await signIn(subject);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { elapsedMs: performance.now() - started, requestsPerSignIn };
}
