// The 22 paid services: certificates, licences, registrations, fines, and fees to the
// tax authority and the utilities. Fees are fictional.
import type { PaidService } from './service.ts';

const copies = { kind: 'copies' } as const;
const none = { kind: 'none' } as const;

export const PAID_SERVICES: PaidService[] = [
  {
    id: 'birth-certificate', agency: 'interior', kind: 'paid', fee: '5.00', input: copies,
    name: { ar: 'نسخة من عقد الازدياد', fr: 'Copie d’acte de naissance', en: 'Copy of a birth certificate' },
    summary: { ar: 'نسخة رسمية من عقد ازديادك، تُرسل إليك بالبريد.', fr: 'Une copie officielle de votre acte de naissance, envoyée par la poste.', en: 'An official copy of your birth certificate, sent to you by post.' },
  },
  {
    id: 'marriage-certificate', agency: 'interior', kind: 'paid', fee: '5.00', input: copies,
    name: { ar: 'نسخة من عقد الزواج', fr: 'Copie d’acte de mariage', en: 'Copy of a marriage certificate' },
    summary: { ar: 'نسخة رسمية من عقد زواجك المسجل.', fr: 'Une copie officielle de votre acte de mariage enregistré.', en: 'An official copy of your registered marriage certificate.' },
  },
  {
    id: 'id-card-replacement', agency: 'interior', kind: 'paid', fee: '25.00', input: none,
    name: { ar: 'تعويض بطاقة التعريف الوطنية', fr: 'Remplacement de la carte d’identité', en: 'Replace a national ID card' },
    summary: { ar: 'بطاقة جديدة بدل بطاقة ضائعة أو تالفة. تُسحب من المكتب الذي تختاره.', fr: 'Une nouvelle carte pour une carte perdue ou abîmée, à retirer au bureau de votre choix.', en: 'A new card for a lost or damaged one, to collect at the office you choose.' },
  },
  {
    id: 'passport', agency: 'interior', kind: 'paid', fee: '80.00', input: none, signsForm: true,
    name: { ar: 'طلب جواز سفر', fr: 'Demande de passeport', en: 'Apply for a passport' },
    summary: { ar: 'جواز سفر صالح عشر سنوات. تحضر مرة واحدة لأخذ البصمات والصورة.', fr: 'Un passeport valable dix ans. Vous vous présentez une fois pour les empreintes et la photo.', en: 'A passport valid for ten years. You come in once for fingerprints and a photo.' },
  },
  {
    id: 'criminal-record', agency: 'justice', kind: 'paid', fee: '10.00', input: none,
    name: { ar: 'مستخرج السجل العدلي', fr: 'Extrait de casier judiciaire', en: 'Criminal record extract' },
    summary: { ar: 'شهادة تبين ما في سجلك العدلي، يطلبها المشغلون غالبًا.', fr: 'Un extrait de votre casier judiciaire, souvent demandé par les employeurs.', en: 'A statement of your criminal record, often asked for by employers.' },
  },
  {
    id: 'legalisation', agency: 'justice', kind: 'paid', fee: '15.00', input: copies, signsForm: true,
    name: { ar: 'تصديق وثيقة', fr: 'Légalisation d’un document', en: 'Legalise a document' },
    summary: { ar: 'تصديق رسمي لتوقيع على وثيقة تستعملها في الخارج.', fr: 'La légalisation officielle d’une signature, pour un document utilisé à l’étranger.', en: 'Official legalisation of a signature on a document you will use abroad.' },
  },
  {
    id: 'driving-licence-renewal', agency: 'transport', kind: 'paid', fee: '40.00', input: none,
    name: { ar: 'تجديد رخصة السياقة', fr: 'Renouvellement du permis de conduire', en: 'Renew a driving licence' },
    summary: { ar: 'جدد رخصتك قبل انتهائها. تحتاج إلى شهادة طبية سارية.', fr: 'Renouvelez votre permis avant son expiration. Un certificat médical valide est nécessaire.', en: 'Renew your licence before it runs out. You need a valid medical certificate.' },
  },
  {
    id: 'vehicle-registration', agency: 'transport', kind: 'paid', fee: '60.00',
    input: {
      kind: 'reference', pattern: '^[0-9]{1,6}-[A-Z]-[0-9]{1,2}$',
      label: { ar: 'رقم لوحة السيارة', fr: 'Numéro d’immatriculation', en: 'Number plate' },
      hint: { ar: 'كما يظهر على البطاقة الرمادية، مثلا 12345-A-6', fr: 'Tel qu’il figure sur la carte grise, par exemple 12345-A-6', en: 'As on the registration document, for example 12345-A-6' },
    },
    name: { ar: 'تجديد تسجيل مركبة', fr: 'Renouvellement de l’immatriculation d’un véhicule', en: 'Renew a vehicle registration' },
    summary: { ar: 'التجديد السنوي لتسجيل سيارتك.', fr: 'Le renouvellement annuel de l’immatriculation de votre véhicule.', en: 'The yearly renewal of your vehicle’s registration.' },
  },
  {
    id: 'speeding-fine', agency: 'police', kind: 'paid', fee: '150.00',
    input: {
      kind: 'reference', pattern: '^[A-Z]{2}[0-9]{8}$',
      label: { ar: 'رقم المخالفة', fr: 'Numéro de l’avis de contravention', en: 'Fine number' },
      hint: { ar: 'حرفان ثم ثمانية أرقام، مثلا RS12345678', fr: 'Deux lettres puis huit chiffres, par exemple RS12345678', en: 'Two letters then eight digits, for example RS12345678' },
    },
    name: { ar: 'أداء مخالفة السرعة', fr: 'Payer une amende pour excès de vitesse', en: 'Pay a speeding fine' },
    summary: { ar: 'الغرامة الجزافية لمخالفة السرعة. الأداء قبل 30 يومًا يجنبك الزيادة.', fr: 'L’amende forfaitaire pour excès de vitesse. Payer sous 30 jours évite la majoration.', en: 'The fixed penalty for speeding. Paying within 30 days avoids the increase.' },
  },
  {
    id: 'parking-fine', agency: 'police', kind: 'paid', fee: '30.00',
    input: {
      kind: 'reference', pattern: '^[A-Z]{2}[0-9]{8}$',
      label: { ar: 'رقم المخالفة', fr: 'Numéro de l’avis de contravention', en: 'Fine number' },
      hint: { ar: 'حرفان ثم ثمانية أرقام، مثلا PK12345678', fr: 'Deux lettres puis huit chiffres, par exemple PK12345678', en: 'Two letters then eight digits, for example PK12345678' },
    },
    name: { ar: 'أداء مخالفة الوقوف', fr: 'Payer une amende de stationnement', en: 'Pay a parking fine' },
    summary: { ar: 'غرامة الوقوف في مكان ممنوع.', fr: 'L’amende pour stationnement interdit.', en: 'The fine for parking where it is not allowed.' },
  },
  {
    id: 'vehicle-tax', agency: 'tax', kind: 'paid', fee: '45.00',
    input: {
      kind: 'reference', pattern: '^[0-9]{1,6}-[A-Z]-[0-9]{1,2}$',
      label: { ar: 'رقم لوحة السيارة', fr: 'Numéro d’immatriculation', en: 'Number plate' },
      hint: { ar: 'مثلا 12345-A-6', fr: 'Par exemple 12345-A-6', en: 'For example 12345-A-6' },
    },
    name: { ar: 'الضريبة السنوية على السيارات', fr: 'Vignette automobile annuelle', en: 'Annual vehicle tax' },
    summary: { ar: 'الضريبة السنوية على سيارة خاصة، تُؤدى في يناير.', fr: 'La taxe annuelle sur un véhicule particulier, due en janvier.', en: 'The yearly tax on a private car, due in January.' },
  },
  {
    id: 'tax-clearance', agency: 'tax', kind: 'paid', fee: '20.00', input: none,
    name: { ar: 'شهادة إبراء الذمة الضريبية', fr: 'Attestation de régularité fiscale', en: 'Tax clearance certificate' },
    summary: { ar: 'شهادة بأنك أديت ضرائبك، تُطلب في الصفقات العمومية.', fr: 'Une attestation que vos impôts sont payés, demandée pour les marchés publics.', en: 'A certificate that your taxes are paid, asked for in public tenders.' },
  },
  {
    id: 'medical-fitness', agency: 'health', kind: 'paid', fee: '15.00', input: none,
    name: { ar: 'شهادة اللياقة الطبية للسياقة', fr: 'Certificat d’aptitude médicale à la conduite', en: 'Medical fitness certificate for driving' },
    summary: { ar: 'فحص طبي في مركز صحي عمومي وشهادة تقدمها لتجديد رخصتك.', fr: 'Un examen dans un centre de santé public, et le certificat pour renouveler votre permis.', en: 'A check-up at a public health centre, and the certificate to renew your licence.' },
  },
  {
    id: 'diploma-authentication', agency: 'education', kind: 'paid', fee: '10.00', input: copies, signsForm: true,
    name: { ar: 'مصادقة على شهادة دراسية', fr: 'Authentification d’un diplôme', en: 'Authenticate a diploma' },
    summary: { ar: 'تأكيد رسمي أن شهادتك صحيحة، لمتابعة الدراسة أو العمل.', fr: 'Une confirmation officielle que votre diplôme est authentique, pour étudier ou travailler.', en: 'Official confirmation that your diploma is genuine, to study or work.' },
  },
  {
    id: 'register-extract', agency: 'commerce', kind: 'paid', fee: '12.00', input: copies,
    name: { ar: 'مستخرج من السجل التجاري', fr: 'Extrait du registre du commerce', en: 'Commercial register extract' },
    summary: { ar: 'المعلومات المسجلة عن شركة: اسمها ومقرها ومسيروها.', fr: 'Les informations enregistrées sur une société : nom, siège et dirigeants.', en: 'The registered details of a company: its name, seat and managers.' },
  },
  {
    id: 'name-reservation', agency: 'commerce', kind: 'paid', fee: '25.00', input: none,
    name: { ar: 'حجز اسم تجاري', fr: 'Réservation d’une dénomination commerciale', en: 'Reserve a company name' },
    summary: { ar: 'احجز اسم شركتك لمدة ثلاثة أشهر قبل تأسيسها.', fr: 'Réservez le nom de votre société pour trois mois avant sa création.', en: 'Reserve your company’s name for three months before you set it up.' },
  },
  {
    id: 'building-permit', agency: 'municipality', kind: 'paid', fee: '120.00', input: none, signsForm: true,
    name: { ar: 'طلب رخصة البناء', fr: 'Demande de permis de construire', en: 'Apply for a building permit' },
    summary: { ar: 'رسوم دراسة ملف رخصة البناء أو التوسعة.', fr: 'Les frais d’étude d’un dossier de construction ou d’extension.', en: 'The fee for reviewing a building or extension application.' },
  },
  {
    id: 'trade-licence', agency: 'municipality', kind: 'paid', fee: '75.00', input: none,
    name: { ar: 'تجديد رخصة المحل التجاري', fr: 'Renouvellement de la licence commerciale', en: 'Renew a shop licence' },
    summary: { ar: 'التجديد السنوي لرخصة استغلال محل تجاري.', fr: 'Le renouvellement annuel de l’autorisation d’exploiter un commerce.', en: 'The yearly renewal of the licence to run a shop.' },
  },
  {
    id: 'water-connection', agency: 'utilities', kind: 'paid', fee: '150.00', input: none,
    name: { ar: 'ربط جديد بشبكة الماء', fr: 'Nouveau branchement d’eau', en: 'New water connection' },
    summary: { ar: 'ربط مسكن جديد بشبكة الماء الصالح للشرب.', fr: 'Le raccordement d’un nouveau logement au réseau d’eau potable.', en: 'Connecting a new home to the drinking water network.' },
  },
  {
    id: 'meter-transfer', agency: 'utilities', kind: 'paid', fee: '35.00',
    input: {
      kind: 'reference', pattern: '^[0-9]{10}$',
      label: { ar: 'رقم حساب الزبون', fr: 'Numéro de compte client', en: 'Customer account number' },
      hint: { ar: 'عشرة أرقام، مكتوبة على فاتورتك', fr: 'Dix chiffres, indiqués sur votre facture', en: 'Ten digits, printed on your bill' },
    },
    name: { ar: 'نقل عداد الكهرباء إلى اسمك', fr: 'Transfert du compteur électrique à votre nom', en: 'Transfer an electricity meter to your name' },
    summary: { ar: 'عند الانتقال إلى مسكن، ينقل العقد إلى اسمك.', fr: 'Quand vous emménagez, le contrat passe à votre nom.', en: 'When you move in, the contract moves to your name.' },
  },
  {
    id: 'title-extract', agency: 'land', kind: 'paid', fee: '18.00', input: copies,
    name: { ar: 'شهادة الملكية', fr: 'Certificat de propriété', en: 'Land title extract' },
    summary: { ar: 'ما هو مسجل عن عقار: مالكه ومساحته والتحملات.', fr: 'Ce qui est inscrit sur un bien : propriétaire, surface et charges.', en: 'What is registered about a property: its owner, area and charges.' },
  },
  {
    id: 'cadastral-plan', agency: 'land', kind: 'paid', fee: '30.00', input: copies,
    name: { ar: 'تصميم مسحي', fr: 'Plan cadastral', en: 'Cadastral plan' },
    summary: { ar: 'تصميم رسمي لحدود قطعة أرضية.', fr: 'Un plan officiel des limites d’une parcelle.', en: 'An official plan of a plot’s boundaries.' },
  },
];
