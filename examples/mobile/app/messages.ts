// The app's words in Arabic, French and English.
export type Locale = 'ar' | 'fr' | 'en';
type Text = Record<Locale, string>;

export const LOCALES: Locale[] = ['ar', 'fr', 'en'];
export const LANGUAGE_NAMES: Text = { ar: 'العربية', fr: 'Français', en: 'English' };

export const T = {
  skip: { ar: 'انتقل إلى المحتوى الرئيسي', fr: 'Aller au contenu principal', en: 'Skip to main content' },
  appName: { ar: 'خدماتي', fr: 'Mes services', en: 'My services' },
  welcome: { ar: 'خدماتك العمومية على هاتفك', fr: 'Vos services publics sur votre téléphone', en: 'Your public services on your phone' },
  welcomeBody: {
    ar: 'سجّل الدخول بهويتك الرقمية الوطنية لترى طلباتك. يحتفظ هذا التطبيق بمفتاح خاص به على هذا الجهاز.',
    fr: 'Connectez-vous avec votre identité numérique nationale pour voir vos demandes. Cette application garde sa propre clé sur cet appareil.',
    en: 'Sign in with your national digital identity to see your requests. This app keeps its own key on this device.',
  },
  signIn: { ar: 'تسجيل الدخول عبر هوية', fr: 'Se connecter avec Hawiya', en: 'Sign in with Hawiya' },
  signOut: { ar: 'تسجيل الخروج', fr: 'Se déconnecter', en: 'Sign out' },
  signedInAs: { ar: 'أنت مسجّل الدخول باسم', fr: 'Vous êtes connecté en tant que', en: 'You are signed in as' },
  level: { ar: 'مستوى الضمان', fr: 'Niveau de garantie', en: 'Level of assurance' },
  myRequests: { ar: 'طلباتي', fr: 'Mes demandes', en: 'My requests' },
  noRequests: { ar: 'ليست لديك طلبات بعد. قدّمها من بوابة المواطن.', fr: 'Vous n’avez pas encore de demande. Faites-les sur le portail citoyen.', en: 'You have no requests yet. Make them on the citizen portal.' },
  services: { ar: 'الخدمات', fr: 'Services', en: 'Services' },
  fee: { ar: 'الرسوم', fr: 'Frais', en: 'Fee' },
  information: { ar: 'معلومات', fr: 'Information', en: 'Information' },
  statusPaid: { ar: 'مؤدى', fr: 'Payée', en: 'Paid' },
  statusAwaiting: { ar: 'في انتظار الأداء', fr: 'En attente de paiement', en: 'Awaiting payment' },
  statusStarted: { ar: 'الأداء جارٍ', fr: 'Paiement en cours', en: 'Payment in progress' },
  openPortal: { ar: 'افتح بوابة المواطن', fr: 'Ouvrir le portail citoyen', en: 'Open the citizen portal' },
  deviceKeyTitle: { ar: 'مفتاح التوقيع على هذا الجهاز', fr: 'Clé de signature de cet appareil', en: 'Signing key on this device' },
  deviceKeyNone: {
    ar: 'يمكن لهذا الجهاز أن يحمل مفتاح توقيع خاصًا بك لا يغادره أبدًا، مع شهادة من هوية. ستؤكد بمفتاح المرور.',
    fr: 'Cet appareil peut garder une clé de signature à vous, qui ne le quitte jamais, avec un certificat de Hawiya. Vous confirmerez avec votre clé d’accès.',
    en: 'This device can hold a signing key of yours that never leaves it, with a certificate from Hawiya. You will confirm with your passkey.',
  },
  enrol: { ar: 'احصل على شهادة توقيع لهذا الجهاز', fr: 'Obtenir un certificat de signature pour cet appareil', en: 'Get a signing certificate for this device' },
  enrolled: { ar: 'هذا الجهاز يحمل مفتاح توقيع معتمدًا من هوية.', fr: 'Cet appareil garde une clé de signature certifiée par Hawiya.', en: 'This device holds a signing key certified by Hawiya.' },
  certificateName: { ar: 'الاسم في الشهادة', fr: 'Nom du certificat', en: 'Name on the certificate' },
  certificateNumber: { ar: 'الرقم التسلسلي للشخص', fr: 'Numéro de la personne', en: 'Person’s number' },
  certificateExpiry: { ar: 'صالحة حتى', fr: 'Valable jusqu’au', en: 'Valid until' },
  enrolFailed: {
    ar: 'تعذر الحصول على الشهادة. يتطلب ذلك تسجيل الدخول بمفتاح مرور على هذا الجهاز. أعد المحاولة.',
    fr: 'Le certificat n’a pas pu être obtenu. Il faut une connexion avec une clé d’accès de cet appareil. Réessayez.',
    en: 'The certificate could not be obtained. It needs a sign-in with a passkey on this device. Please try again.',
  },
  failed: { ar: 'تعذر الاتصال. أعد المحاولة.', fr: 'La connexion a échoué. Réessayez.', en: 'Could not connect. Please try again.' },
  sessionEnded: { ar: 'انتهت جلستك. سجّل الدخول من جديد.', fr: 'Votre session a pris fin. Connectez-vous à nouveau.', en: 'Your session ended. Please sign in again.' },
  tryAgain: { ar: 'أعد المحاولة', fr: 'Réessayer', en: 'Try again' },
} satisfies Record<string, Text>;

export const LEVELS: Record<string, Text> = {
  'http://eidas.europa.eu/LoA/low': { ar: 'منخفض (كلمة مرور)', fr: 'faible (mot de passe)', en: 'low (a password)' },
  'http://eidas.europa.eu/LoA/substantial': { ar: 'مرتفع (عاملان للتحقق)', fr: 'substantiel (deux facteurs)', en: 'substantial (two factors)' },
  'http://eidas.europa.eu/LoA/high': { ar: 'عالٍ', fr: 'élevé', en: 'high' },
};
