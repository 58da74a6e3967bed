// The app's one screen: signed out, a sign-in button; signed in, the person, their
// requests from the portal's API (DPoP-bound), the device's signing key, and the portal's
// catalogue.
import { h } from './dom.ts';
import { T, LEVELS, LOCALES, LANGUAGE_NAMES, type Locale } from './messages.ts';
import { startSignIn, finishSignIn, storedSession, callApi, postToHawiya, signOut, sessionEnded, type AppConfig, type StoredSession } from './auth.ts';
import { certificationRequest, describeCertificate, fromBase64, generateDeviceKey, toBase64, type DeviceCertificate } from './device-key.ts';
import { readValue, writeValue } from './store.ts';

interface Catalogue {
  agencies: Array<{ id: string; name: Record<Locale, string> }>;
  services: Array<{ id: string; agency: string; kind: 'paid' | 'info'; fee?: string; name: Record<Locale, string>; summary: Record<Locale, string> }>;
}

interface PortalRequest {
  id: string;
  reference: string;
  serviceId: string;
  amount: string;
  currency: string;
  status: 'awaiting_payment' | 'payment_started' | 'paid';
}

const main = document.querySelector('main')!;
let locale: Locale = (LOCALES as string[]).includes(localStorage.getItem('locale') ?? '') ? localStorage.getItem('locale') as Locale : 'ar';

function applyLocale(): void {
  document.documentElement.lang = locale;
  document.documentElement.dir = locale === 'ar' ? 'rtl' : 'ltr';
  document.title = T.appName[locale];
  document.querySelectorAll<HTMLElement>('[data-text]').forEach((element) => {
    const key = element.dataset.text as keyof typeof T;
    if (T[key]) element.textContent = T[key][locale];
  });
  const nav = document.querySelector('[data-languages]')!;
  nav.replaceChildren(...LOCALES.map((code) => (code === locale
    ? h('span', { lang: code, 'aria-current': 'true' }, LANGUAGE_NAMES[code])
    : h('button', { type: 'button', lang: code, class: 'link-button', 'data-locale': code }, LANGUAGE_NAMES[code]))));
}

const money = (amount: string, currency: string) => `${new Intl.NumberFormat(`${locale}-u-nu-latn`, { minimumFractionDigits: 2 }).format(Number(amount))} ${currency}`;

function signedOutView(config: AppConfig, notice?: string): void {
  const button = h('button', { type: 'button', class: 'button', 'data-action': 'sign-in' }, T.signIn[locale]);
  button.addEventListener('click', () => void startSignIn(config, locale));
  main.replaceChildren(
    ...(notice ? [h('div', { class: 'notice', role: 'alert' }, h('p', {}, notice))] : []),
    h('h1', {}, T.welcome[locale]),
    h('p', {}, T.welcomeBody[locale]),
    button,
  );
}

function requestsList(requests: PortalRequest[], catalogue: Catalogue, config: AppConfig): HTMLElement {
  if (requests.length === 0) return h('p', {}, T.noRequests[locale]);
  const status = { paid: T.statusPaid, awaiting_payment: T.statusAwaiting, payment_started: T.statusStarted };
  return h('ul', { class: 'item-list', 'data-requests': '' }, ...requests.map((request) => h('li', {},
    h('a', { href: `${config.portalUrl}/requests/${request.id}` }, catalogue.services.find((service) => service.id === request.serviceId)?.name[locale] ?? request.serviceId),
    ' ',
    h('span', { class: `tag${request.status === 'paid' ? ' tag-ok' : ''}`, 'data-status': request.status }, status[request.status][locale]),
    h('p', { class: 'hint' }, h('bdi', { dir: 'ltr' }, request.reference), ' · ', h('bdi', { dir: 'ltr' }, money(request.amount, request.currency))),
  )));
}

function catalogueList(catalogue: Catalogue): HTMLElement {
  return h('div', {}, ...catalogue.agencies.map((agency) => h('details', {},
    h('summary', {}, agency.name[locale]),
    h('ul', { class: 'item-list' }, ...catalogue.services.filter((service) => service.agency === agency.id).map((service) => h('li', {},
      h('strong', {}, service.name[locale]), ' ',
      h('span', { class: 'tag' }, service.kind === 'paid' && service.fee ? `${T.fee[locale]}: ${money(service.fee, 'HWD')}` : T.information[locale]),
      h('p', { class: 'hint' }, service.summary[locale]),
    ))),
  )));
}

// After a sign-in at high: a new non-extractable key, its PKCS#10 request, and Hawiya's
// certificate for it, kept on the device with the key.
async function enrolDeviceKey(config: AppConfig): Promise<void> {
  const keys = await generateDeviceKey();
  const csr = await certificationRequest(keys, 'Mobile app');
  const response = await postToHawiya(config, '/api/signing/device-certificate', { csr: toBase64(csr) });
  if (response.status !== 201) throw new Error(`Hawiya answered ${response.status}`);
  const { certificate } = await response.json() as { certificate: string };
  await writeValue('deviceKey', keys);
  await writeValue('deviceCertificate', certificate);
}

function deviceKeySection(config: AppConfig, certificate: DeviceCertificate | undefined, notice?: string): HTMLElement {
  if (certificate) {
    const until = new Intl.DateTimeFormat(`${locale}-u-nu-latn`, { dateStyle: 'long' }).format(new Date(certificate.notAfter));
    return h('section', { 'data-device-key': 'enrolled' },
      h('h2', {}, T.deviceKeyTitle[locale]),
      h('p', {}, T.enrolled[locale]),
      h('dl', { class: 'summary-list' },
        h('div', {}, h('dt', {}, T.certificateName[locale]), h('dd', { 'data-certificate-subject': '' }, h('bdi', {}, certificate.commonName))),
        h('div', {}, h('dt', {}, T.certificateNumber[locale]), h('dd', {}, h('bdi', { dir: 'ltr' }, certificate.serialNumber))),
        h('div', {}, h('dt', {}, T.certificateExpiry[locale]), h('dd', { 'data-certificate-expiry': certificate.notAfter }, until))));
  }
  const button = h('button', { type: 'button', class: 'button', 'data-action': 'enrol' }, T.enrol[locale]);
  button.addEventListener('click', () => void startSignIn(config, locale, { enrol: true }));
  return h('section', { 'data-device-key': 'none' },
    h('h2', {}, T.deviceKeyTitle[locale]),
    ...(notice ? [h('div', { class: 'notice', role: 'alert' }, h('p', {}, notice))] : []),
    h('p', {}, T.deviceKeyNone[locale]),
    button);
}

async function signedInView(config: AppConfig, session: StoredSession, notice?: string): Promise<void> {
  const stored = await readValue<string>('deviceCertificate');
  const [catalogue, { requests }] = await Promise.all([
    fetch(new URL('/api/catalogue', config.portalUrl)).then((response) => response.json() as Promise<Catalogue>),
    callApi(config, '/api/requests') as Promise<{ requests: PortalRequest[] }>,
  ]);
  const out = h('button', { type: 'button', class: 'link-button', 'data-action': 'sign-out' }, T.signOut[locale]);
  out.addEventListener('click', () => void signOut(config, true));
  main.replaceChildren(
    h('div', { class: 'signed-in' }, h('div', { class: 'signed-in-inner' },
      h('p', {}, `${T.signedInAs[locale]} `, h('strong', { 'data-person-name': '' }, locale === 'ar' ? session.nameAr : session.nameLatin), `. ${T.level[locale]}: `, h('strong', {}, LEVELS[session.acr]?.[locale] ?? session.acr)),
      out)),
    h('h1', {}, T.myRequests[locale]),
    requestsList(requests, catalogue, config),
    h('p', {}, h('a', { href: config.portalUrl }, T.openPortal[locale])),
    deviceKeySection(config, stored ? describeCertificate(fromBase64(stored)) : undefined, notice),
    h('h2', {}, T.services[locale]),
    catalogueList(catalogue),
  );
}

async function show(config: AppConfig): Promise<void> {
  applyLocale();
  let notice: string | undefined;
  if (location.pathname === '/callback') {
    const { enrol } = await finishSignIn(config);
    history.replaceState(null, '', '/');
    if (enrol) {
      await enrolDeviceKey(config).catch((err: unknown) => {
        console.warn('the device key could not be enrolled', err);
        notice = T.enrolFailed[locale];
      });
    }
  }
  const session = await storedSession();
  if (!session) return signedOutView(config);
  // Signed out elsewhere (back-channel logout reached the app's server): forget the
  // session here too, and ask for a sign-in.
  if (await sessionEnded(session)) {
    await signOut(config, false);
    return signedOutView(config, T.sessionEnded[locale]);
  }
  await signedInView(config, session, notice);
}

async function start(): Promise<void> {
  const config = await (await fetch('/config.json')).json() as AppConfig;
  document.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-locale]');
    if (!target) return;
    locale = target.dataset.locale as Locale;
    localStorage.setItem('locale', locale);
    void show(config).catch(() => signedOutView(config, T.failed[locale]));
  });
  if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js');
  try {
    await show(config);
  } catch (err) {
    console.warn('the app could not load', err);
    signedOutView(config, T.failed[locale]);
  }
}

void start();
