// A small browser for black-box tests: follows redirects by hand, keeps cookies per
// host, reads forms from the pages, and signs in through Hawiya's real pages.
export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

export class UserAgent {
  readonly cookies = new Map<string, Map<string, string>>();
  // Sent on every request; the locale tests change Accept-Language.
  headers: Record<string, string> = { 'accept-language': 'en' };

  #store(url: URL, response: Response): void {
    const jar = this.cookies.get(url.host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(url.host, jar);
  }

  cookieHeader(url: URL): string {
    return [...(this.cookies.get(url.host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  // One request, no redirect following.
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...this.headers, ...init.headers, cookie: this.cookieHeader(target) };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, redirect: 'manual', ...(body ? { body } : {}) });
    this.#store(target, response);
    return response;
  }

  // Follows redirects until a page is rendered, or until a URL for which `stop` is true
  // (the relying party's callback), which is returned without being fetched.
  async navigate(url: string, init: { method?: string; form?: Record<string, string> } = {}, stop: (url: string) => boolean = () => false): Promise<Page> {
    let response = await this.request(url, init);
    let current = url;
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 20) throw new Error('too many redirects');
      current = new URL(response.headers.get('location') ?? '', current).toString();
      if (stop(current)) return { url: current, status: response.status, html: '', headers: response.headers };
      response = await this.request(current);
    }
    // Translations wrap their variables in Unicode isolates (U+2068 … U+2069) for the
    // browser's layout; tests read the words without them.
    return { url: current, status: response.status, html: (await response.text()).replace(/[\u2068\u2069]/g, ''), headers: response.headers };
  }
}

export function hiddenInput(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden input ${name} on the page`);
  return match[1];
}

export function formAction(html: string, ending: string): string {
  const match = new RegExp(`<form method="post" action="([^"]*${ending})"`).exec(html);
  if (!match?.[1]) throw new Error(`no form posting to …${ending}`);
  return match[1];
}

// Signs in on the login page and consents if asked; returns the callback URL with the code.
export async function signIn(agent: UserAgent, authorizationUrl: string, credentials: { username: string; password: string }, redirectUri: string): Promise<URL> {
  const atCallback = (url: string) => url.startsWith(redirectUri);
  let page = await agent.navigate(authorizationUrl, {}, atCallback);
  const isConsent = (html: string) => /action="[^"]*\/confirm"/.test(html);
  if (!atCallback(page.url)) {
    const base = new URL(page.url).origin;
    // Already signed in, the person may only be asked to consent to a new service.
    if (!isConsent(page.html)) {
      page = await agent.navigate(new URL(formAction(page.html, '/login'), base).toString(), {
        form: { csrf: hiddenInput(page.html, 'csrf'), ...credentials },
      }, atCallback);
    }
    if (page.html.includes('/confirm')) {
      page = await agent.navigate(new URL(formAction(page.html, '/confirm'), base).toString(), { form: { csrf: hiddenInput(page.html, 'csrf') } }, atCallback);
    }
  }
  if (!atCallback(page.url)) throw new Error(`sign-in did not reach the callback (status ${page.status}): ${page.html.slice(0, 400)}`);
  return new URL(page.url);
}
