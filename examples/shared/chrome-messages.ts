// The words every example page shares: the frame around the content, and the levels of
// assurance in plain words.
import type { Text } from './locale.ts';

export const CHROME = {
  skip: { ar: 'انتقل إلى المحتوى الرئيسي', fr: 'Aller au contenu principal', en: 'Skip to main content' },
  language: { ar: 'اللغة', fr: 'Langue', en: 'Language' },
  signedInAs: { ar: 'أنت مسجّل الدخول باسم', fr: 'Vous êtes connecté en tant que', en: 'You are signed in as' },
  level: { ar: 'مستوى الضمان', fr: 'Niveau de garantie', en: 'Level of assurance' },
  signOut: { ar: 'تسجيل الخروج', fr: 'Se déconnecter', en: 'Sign out' },
  footer: {
    ar: 'مثال توضيحي لجهة معتمدة على هوية. البيانات خيالية.',
    fr: 'Exemple de service relié à Hawiya. Les données sont fictives.',
    en: 'An example service relying on Hawiya. The data is fictional.',
  },
  errorSummary: { ar: 'هناك مشكلة', fr: 'Il y a un problème', en: 'There is a problem' },
} satisfies Record<string, Text>;

// eIDAS levels, as Hawiya's acr values name them.
export const ACR = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
} as const;
export type Level = keyof typeof ACR;
const ORDER: Level[] = ['low', 'substantial', 'high'];

export const LEVEL_NAMES: Record<Level, Text> = {
  low: { ar: 'منخفض (كلمة مرور)', fr: 'faible (mot de passe)', en: 'low (a password)' },
  substantial: { ar: 'مرتفع (عاملان للتحقق)', fr: 'substantiel (deux facteurs)', en: 'substantial (two factors)' },
  high: { ar: 'عالٍ (مفتاح مرور على الجهاز وتحقق حضوري)', fr: 'élevé (clé d’accès sur l’appareil, vérification en personne)', en: 'high (a device passkey, verified in person)' },
};

export function levelOfAcr(acr: unknown): Level | undefined {
  return ORDER.find((level) => ACR[level] === acr);
}

// Levels are ordered: a higher level satisfies a lower need.
export function reaches(acr: unknown, needed: Level): boolean {
  const level = levelOfAcr(acr);
  return level !== undefined && ORDER.indexOf(level) >= ORDER.indexOf(needed);
}
