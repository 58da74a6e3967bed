// The demo's agencies in Hawiya's agency register, as an operator would enter them: the 13
// fictional agencies of the portal's catalogue (the payees; examples/shared/agencies.ts
// holds the same list, since neither side may import the other), and the two that run the
// example services: the Treasury runs the payment gateway and its API, the digital
// services agency runs the citizen portal and its mobile app (one agency, so one pairwise
// sector: the portal and the app see the same `sub`).
import type { Services } from '../app.ts';
import type { AgencyInput } from '../oidc/agencies.ts';

type DemoAgency = AgencyInput & { allowed_scopes: string[] };

const payee = (code: string, ar: string, fr: string, en: string): DemoAgency => ({ code, names: { ar, fr, en }, allowed_scopes: ['openid', 'profile'] });

export const CATALOGUE_AGENCIES: DemoAgency[] = [
  payee('interior', 'وزارة الداخلية – الأحوال المدنية', 'Ministère de l’Intérieur – état civil', 'Ministry of Interior – Civil Status'),
  payee('justice', 'وزارة العدل', 'Ministère de la Justice', 'Ministry of Justice'),
  payee('transport', 'وزارة النقل', 'Ministère des Transports', 'Ministry of Transport'),
  payee('police', 'الشرطة الوطنية', 'Police nationale', 'National Police'),
  payee('tax', 'مصلحة الضرائب', 'Administration fiscale', 'Tax Authority'),
  payee('health', 'وزارة الصحة', 'Ministère de la Santé', 'Ministry of Health'),
  payee('education', 'وزارة التربية والتعليم', 'Ministère de l’Éducation', 'Ministry of Education'),
  payee('labour', 'وزارة العمل والضمان الاجتماعي', 'Ministère du Travail et de la Sécurité sociale', 'Ministry of Labour and Social Security'),
  payee('commerce', 'السجل التجاري', 'Registre du commerce', 'Commercial Registry'),
  payee('municipality', 'بلدية العاصمة', 'Commune de la capitale', 'Capital City Municipality'),
  payee('utilities', 'الشركة الوطنية للماء والكهرباء', 'Société nationale de l’eau et de l’électricité', 'National Water and Electricity Company'),
  payee('land', 'المحافظة العقارية', 'Conservation foncière', 'Land Registry'),
  payee('foreign', 'وزارة الشؤون الخارجية', 'Ministère des Affaires étrangères', 'Ministry of Foreign Affairs'),
];

export const TREASURY = 'treasury';
export const DIGITAL_SERVICES = 'digital-services';

const OPERATING_AGENCIES: DemoAgency[] = [
  // The gateway's back office reads the person's agency roles (finance staff).
  { code: TREASURY, names: { ar: 'الخزينة العامة', fr: 'Trésor public', en: 'Public Treasury' }, allowed_scopes: ['openid', 'profile', 'agency_roles'] },
  { code: DIGITAL_SERVICES, names: { ar: 'وكالة الخدمات العمومية الرقمية', fr: 'Agence des services publics numériques', en: 'Digital Public Services Agency' }, allowed_scopes: ['openid', 'offline_access', 'profile'] },
];

// The gateway's payment API, a resource server of the Treasury (RFC 8707): the gateway's
// rich authorization requests (payment_initiation) name it, and get a JWT access token
// for it carrying the approved payment. An identifier, not an address: nothing is fetched
// from it. examples/stack.ts names the same one.
export const DEMO_PAYMENTS_API = { identifier: 'https://payments.demo.example/api', agency: TREASURY, scopes: ['payments:initiate'] };

const sameAgency = (stored: { names: object; allowed_scopes: string[] }, wanted: DemoAgency) =>
  JSON.stringify(stored.names) === JSON.stringify(wanted.names) && JSON.stringify(stored.allowed_scopes) === JSON.stringify(wanted.allowed_scopes);

// Written only when missing or different, so a second run audits nothing.
export async function seedAgencies(services: Pick<Services, 'agencies' | 'resourceServers'>): Promise<void> {
  for (const agency of [...CATALOGUE_AGENCIES, ...OPERATING_AGENCIES]) {
    const stored = await services.agencies.find(agency.code);
    if (!stored) await services.agencies.create(agency, 'cli');
    else if (!sameAgency(stored, agency)) await services.agencies.update(agency.code, { names: agency.names, allowed_scopes: agency.allowed_scopes }, 'cli');
  }
  const api = await services.resourceServers.find(DEMO_PAYMENTS_API.identifier);
  if (api?.agency_code !== DEMO_PAYMENTS_API.agency || JSON.stringify(api.scopes) !== JSON.stringify(DEMO_PAYMENTS_API.scopes)) {
    await services.resourceServers.save(DEMO_PAYMENTS_API, 'cli');
  }
}
