// The 13 fictional agencies of the examples, shared by the portal (its catalogue) and the
// gateway (the payees). The demo seed enters the same agencies in Hawiya's agency register
// (src/demo/agencies.ts); Hawiya offers relying parties no API to read it (the admin API
// is for operators), so the examples keep their own copy, as an agency's service would.
import type { Text } from './locale.ts';

export interface Agency {
  id: string;
  name: Text;
}

export const AGENCIES = [
  { id: 'interior', name: { ar: 'وزارة الداخلية – الأحوال المدنية', fr: 'Ministère de l’Intérieur – état civil', en: 'Ministry of Interior – Civil Status' } },
  { id: 'justice', name: { ar: 'وزارة العدل', fr: 'Ministère de la Justice', en: 'Ministry of Justice' } },
  { id: 'transport', name: { ar: 'وزارة النقل', fr: 'Ministère des Transports', en: 'Ministry of Transport' } },
  { id: 'police', name: { ar: 'الشرطة الوطنية', fr: 'Police nationale', en: 'National Police' } },
  { id: 'tax', name: { ar: 'مصلحة الضرائب', fr: 'Administration fiscale', en: 'Tax Authority' } },
  { id: 'health', name: { ar: 'وزارة الصحة', fr: 'Ministère de la Santé', en: 'Ministry of Health' } },
  { id: 'education', name: { ar: 'وزارة التربية والتعليم', fr: 'Ministère de l’Éducation', en: 'Ministry of Education' } },
  { id: 'labour', name: { ar: 'وزارة العمل والضمان الاجتماعي', fr: 'Ministère du Travail et de la Sécurité sociale', en: 'Ministry of Labour and Social Security' } },
  { id: 'commerce', name: { ar: 'السجل التجاري', fr: 'Registre du commerce', en: 'Commercial Registry' } },
  { id: 'municipality', name: { ar: 'بلدية العاصمة', fr: 'Commune de la capitale', en: 'Capital City Municipality' } },
  { id: 'utilities', name: { ar: 'الشركة الوطنية للماء والكهرباء', fr: 'Société nationale de l’eau et de l’électricité', en: 'National Water and Electricity Company' } },
  { id: 'land', name: { ar: 'المحافظة العقارية', fr: 'Conservation foncière', en: 'Land Registry' } },
  { id: 'foreign', name: { ar: 'وزارة الشؤون الخارجية', fr: 'Ministère des Affaires étrangères', en: 'Ministry of Foreign Affairs' } },
] as const satisfies readonly Agency[];

export type AgencyId = (typeof AGENCIES)[number]['id'];

export function findAgency(id: string): Agency | undefined {
  return AGENCIES.find((agency) => agency.id === id);
}
