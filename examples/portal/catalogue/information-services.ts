// The 20 informational services: guidance pages, nothing to pay or request online.
import type { InformationService } from './service.ts';

export const INFORMATION_SERVICES: InformationService[] = [
  {
    id: 'register-birth', agency: 'interior', kind: 'info',
    name: { ar: 'التصريح بولادة', fr: 'Déclarer une naissance', en: 'Register a birth' },
    summary: { ar: 'صرّح بالمولود خلال 30 يومًا من ولادته.', fr: 'Déclarez l’enfant dans les 30 jours suivant sa naissance.', en: 'Register the child within 30 days of the birth.' },
    body: { ar: 'يصرّح أحد الوالدين بالولادة في مكتب الحالة المدنية لمكان الولادة، مع شهادة الولادة من المستشفى وبطاقتي تعريف الوالدين. التصريح مجاني.', fr: 'L’un des parents déclare la naissance au bureau d’état civil du lieu de naissance, avec le certificat de l’hôpital et les cartes d’identité des parents. La déclaration est gratuite.', en: 'One parent registers the birth at the civil status office where the child was born, with the hospital’s birth notice and both parents’ ID cards. Registering is free.' },
  },
  {
    id: 'change-address', agency: 'interior', kind: 'info',
    name: { ar: 'تغيير العنوان', fr: 'Changer d’adresse', en: 'Change your address' },
    summary: { ar: 'أخبر الإدارة بعنوانك الجديد خلال ثلاثة أشهر.', fr: 'Signalez votre nouvelle adresse dans les trois mois.', en: 'Tell the administration your new address within three months.' },
    body: { ar: 'يُسجل العنوان الجديد في أي مكتب للبريد أو الداخلية بتقديم فاتورة ماء أو كهرباء باسمك. لا تتغير بطاقتك.', fr: 'La nouvelle adresse est enregistrée dans tout bureau de poste ou de l’Intérieur, sur présentation d’une facture d’eau ou d’électricité à votre nom. Votre carte ne change pas.', en: 'Your new address is recorded at any post or Interior office when you show a water or electricity bill in your name. Your card does not change.' },
  },
  {
    id: 'legal-aid', agency: 'justice', kind: 'info',
    name: { ar: 'المساعدة القضائية', fr: 'Aide juridictionnelle', en: 'Legal aid' },
    summary: { ar: 'محامٍ مجاني لمن لا يقدر على أتعابه.', fr: 'Un avocat gratuit pour qui ne peut pas le payer.', en: 'A free lawyer if you cannot afford one.' },
    body: { ar: 'قدّم طلبك لدى كتابة الضبط بالمحكمة مع ما يثبت دخلك. يُرد على الطلب خلال شهر.', fr: 'Déposez votre demande au greffe du tribunal avec un justificatif de revenus. La réponse vient sous un mois.', en: 'Apply at the court registry with proof of your income. You get an answer within a month.' },
  },
  {
    id: 'road-safety', agency: 'transport', kind: 'info',
    name: { ar: 'قواعد السلامة الطرقية', fr: 'Règles de sécurité routière', en: 'Road safety rules' },
    summary: { ar: 'حدود السرعة وحزام الأمان ومقاعد الأطفال.', fr: 'Limites de vitesse, ceinture et sièges enfants.', en: 'Speed limits, seat belts and child seats.' },
    body: { ar: 'السرعة القصوى 60 كلم/س داخل المدن و100 خارجها و120 على الطريق السيار. حزام الأمان إلزامي في كل المقاعد.', fr: 'La vitesse maximale est de 60 km/h en ville, 100 hors agglomération et 120 sur autoroute. La ceinture est obligatoire à toutes les places.', en: 'The speed limit is 60 km/h in towns, 100 outside and 120 on motorways. Seat belts are required in every seat.' },
  },
  {
    id: 'transport-concessions', agency: 'transport', kind: 'info',
    name: { ar: 'تخفيضات النقل العمومي', fr: 'Réductions dans les transports publics', en: 'Public transport concessions' },
    summary: { ar: 'للطلبة وكبار السن وذوي الإعاقة.', fr: 'Pour les étudiants, les personnes âgées et handicapées.', en: 'For students, older people and disabled people.' },
    body: { ar: 'تُمنح بطاقة التخفيض في محطات القطار بتقديم بطاقة التعريف وما يثبت الحق في التخفيض.', fr: 'La carte de réduction est délivrée en gare sur présentation de la carte d’identité et d’un justificatif.', en: 'The concession card is issued at railway stations when you show your ID card and proof of entitlement.' },
  },
  {
    id: 'lost-document', agency: 'police', kind: 'info',
    name: { ar: 'التصريح بضياع وثيقة', fr: 'Déclarer la perte d’un document', en: 'Report a lost document' },
    summary: { ar: 'صرّح بالضياع قبل طلب وثيقة جديدة.', fr: 'Déclarez la perte avant de demander un nouveau document.', en: 'Report the loss before you ask for a new document.' },
    body: { ar: 'صرّح بضياع بطاقتك أو جوازك في أقرب مركز للشرطة. ستحصل على وصل تقدمه عند طلب التعويض.', fr: 'Déclarez la perte de votre carte ou passeport au commissariat le plus proche. Le récépissé sert pour la demande de remplacement.', en: 'Report your lost card or passport at the nearest police station. You get a receipt to show when you apply for a replacement.' },
  },
  {
    id: 'tax-calendar', agency: 'tax', kind: 'info',
    name: { ar: 'الآجال الضريبية', fr: 'Calendrier fiscal', en: 'Tax deadlines' },
    summary: { ar: 'متى تصرّح ومتى تؤدي.', fr: 'Quand déclarer et quand payer.', en: 'When to declare and when to pay.' },
    body: { ar: 'التصريح بالدخل قبل 1 مارس. الضريبة على السيارات في يناير. الضريبة على الشركات قبل 31 مارس.', fr: 'Déclaration de revenus avant le 1er mars. Vignette en janvier. Impôt sur les sociétés avant le 31 mars.', en: 'Income declaration before 1 March. Vehicle tax in January. Company tax before 31 March.' },
  },
  {
    id: 'income-tax-rates', agency: 'tax', kind: 'info',
    name: { ar: 'أشطر الضريبة على الدخل', fr: 'Barème de l’impôt sur le revenu', en: 'Income tax rates' },
    summary: { ar: 'النسب المطبقة على كل شطر من الدخل.', fr: 'Les taux appliqués à chaque tranche de revenu.', en: 'The rates for each band of income.' },
    body: { ar: 'الدخل السنوي حتى 30٬000 معفى، ثم 10٪ حتى 60٬000، ثم 20٪ حتى 120٬000، ثم 30٪ فوق ذلك.', fr: 'Le revenu annuel jusqu’à 30 000 est exonéré, puis 10 % jusqu’à 60 000, 20 % jusqu’à 120 000 et 30 % au-delà.', en: 'Yearly income up to 30,000 is exempt, then 10% up to 60,000, 20% up to 120,000 and 30% above.' },
  },
  {
    id: 'vaccinations', agency: 'health', kind: 'info',
    name: { ar: 'جدول تلقيح الأطفال', fr: 'Calendrier de vaccination des enfants', en: 'Children’s vaccination schedule' },
    summary: { ar: 'التلقيحات المجانية من الولادة إلى 18 شهرًا.', fr: 'Les vaccins gratuits de la naissance à 18 mois.', en: 'Free vaccinations from birth to 18 months.' },
    body: { ar: 'تُعطى التلقيحات مجانًا في المراكز الصحية عند الولادة ثم في الشهر الثاني والثالث والرابع والتاسع والثامن عشر. احمل دفتر صحة الطفل.', fr: 'Les vaccins sont gratuits en centre de santé à la naissance, puis à 2, 3, 4, 9 et 18 mois. Apportez le carnet de santé.', en: 'Vaccinations are free at health centres at birth, then at 2, 3, 4, 9 and 18 months. Bring the child’s health book.' },
  },
  {
    id: 'health-centres', agency: 'health', kind: 'info',
    name: { ar: 'المراكز الصحية', fr: 'Centres de santé', en: 'Health centres' },
    summary: { ar: 'مواعيد العمل وما يقدمه كل مركز.', fr: 'Horaires et services de chaque centre.', en: 'Opening hours and what each centre offers.' },
    body: { ar: 'تفتح المراكز الصحية من الاثنين إلى السبت من الثامنة إلى الرابعة. الاستشارة العامة مجانية.', fr: 'Les centres de santé ouvrent du lundi au samedi de 8 h à 16 h. La consultation générale est gratuite.', en: 'Health centres open Monday to Saturday, 8:00 to 16:00. A general consultation is free.' },
  },
  {
    id: 'school-enrolment', agency: 'education', kind: 'info',
    name: { ar: 'التسجيل المدرسي', fr: 'Inscription scolaire', en: 'School enrolment' },
    summary: { ar: 'يسجل الأطفال في السنة التي يبلغون فيها ست سنوات.', fr: 'Les enfants sont inscrits l’année de leurs six ans.', en: 'Children are enrolled in the year they turn six.' },
    body: { ar: 'التسجيل من 1 إلى 30 يونيو في المدرسة الأقرب إلى السكن، بعقد ازدياد الطفل وشهادة السكنى.', fr: 'Inscription du 1er au 30 juin à l’école la plus proche, avec l’acte de naissance et un justificatif de domicile.', en: 'Enrol from 1 to 30 June at the school nearest your home, with the birth certificate and proof of address.' },
  },
  {
    id: 'scholarships', agency: 'education', kind: 'info',
    name: { ar: 'المنح الدراسية', fr: 'Bourses d’études', en: 'Scholarships' },
    summary: { ar: 'منح للتلاميذ والطلبة حسب دخل الأسرة.', fr: 'Des bourses selon les revenus de la famille.', en: 'Grants for pupils and students, based on family income.' },
    body: { ar: 'تقدّم الطلبات في سبتمبر لدى المؤسسة التعليمية. تُصرف المنحة كل ثلاثة أشهر.', fr: 'Les demandes se font en septembre auprès de l’établissement. La bourse est versée chaque trimestre.', en: 'Apply in September through the school or university. The grant is paid every three months.' },
  },
  {
    id: 'unemployment-benefit', agency: 'labour', kind: 'info',
    name: { ar: 'التعويض عن فقدان الشغل', fr: 'Indemnité pour perte d’emploi', en: 'Unemployment benefit' },
    summary: { ar: 'لمن فقد عمله بعد اشتراك لا يقل عن سنة.', fr: 'Pour qui a perdu son emploi après au moins un an de cotisation.', en: 'For people who lost their job after at least a year of contributions.' },
    body: { ar: 'قدّم الطلب خلال 60 يومًا من فقدان العمل في وكالة الضمان الاجتماعي. يُصرف التعويض ستة أشهر.', fr: 'Faites la demande dans les 60 jours à l’agence de sécurité sociale. L’indemnité est versée six mois.', en: 'Apply within 60 days at a social security agency. The benefit is paid for six months.' },
  },
  {
    id: 'minimum-wage', agency: 'labour', kind: 'info',
    name: { ar: 'الحد الأدنى للأجور', fr: 'Salaire minimum', en: 'Minimum wage' },
    summary: { ar: 'الأجر الأدنى الذي يحق لكل أجير.', fr: 'Le salaire minimum dû à tout salarié.', en: 'The lowest pay every employee is owed.' },
    body: { ar: 'الحد الأدنى للأجر 3٬000 دينار في الشهر لأربعين ساعة في الأسبوع.', fr: 'Le salaire minimum est de 3 000 dinars par mois pour 40 heures par semaine.', en: 'The minimum wage is 3,000 dinars a month for a 40-hour week.' },
  },
  {
    id: 'work-permits', agency: 'labour', kind: 'info',
    name: { ar: 'رخص عمل الأجانب', fr: 'Autorisations de travail des étrangers', en: 'Work permits for foreign nationals' },
    summary: { ar: 'يطلبها المشغل قبل بدء العمل.', fr: 'L’employeur la demande avant l’embauche.', en: 'The employer applies before the work starts.' },
    body: { ar: 'يقدّم المشغل عقد العمل للتأشير لدى مصالح الشغل. تصدر الرخصة خلال 15 يومًا.', fr: 'L’employeur soumet le contrat au visa des services du travail. L’autorisation est délivrée sous 15 jours.', en: 'The employer submits the contract to the labour office for approval. The permit is issued within 15 days.' },
  },
  {
    id: 'start-business', agency: 'commerce', kind: 'info',
    name: { ar: 'دليل إنشاء شركة', fr: 'Guide de création d’entreprise', en: 'Starting a business' },
    summary: { ar: 'الخطوات من حجز الاسم إلى التسجيل.', fr: 'Les étapes, de la réservation du nom à l’immatriculation.', en: 'The steps, from reserving a name to registration.' },
    body: { ar: 'احجز الاسم، ثم حرر النظام الأساسي، ثم سجل الشركة في السجل التجاري وفي مصلحة الضرائب. تتم الخطوات الثلاث في شباك واحد.', fr: 'Réservez le nom, rédigez les statuts, puis immatriculez la société au registre du commerce et aux impôts. Les trois étapes se font au même guichet.', en: 'Reserve the name, write the articles, then register the company at the commercial registry and the tax authority. All three happen at one counter.' },
  },
  {
    id: 'waste-collection', agency: 'municipality', kind: 'info',
    name: { ar: 'جمع النفايات', fr: 'Collecte des déchets', en: 'Waste collection' },
    summary: { ar: 'أيام الجمع وفرز النفايات.', fr: 'Jours de collecte et tri.', en: 'Collection days and sorting.' },
    body: { ar: 'تجمع النفايات المنزلية كل يوم بعد التاسعة ليلاً. تُجمع المواد القابلة للتدوير يوم الأربعاء.', fr: 'Les ordures ménagères sont ramassées chaque soir après 21 h. Le recyclable est collecté le mercredi.', en: 'Household waste is collected every evening after 21:00. Recycling is collected on Wednesdays.' },
  },
  {
    id: 'report-outage', agency: 'utilities', kind: 'info',
    name: { ar: 'التبليغ عن انقطاع', fr: 'Signaler une coupure', en: 'Report an outage' },
    summary: { ar: 'انقطاع الماء أو الكهرباء في حيك.', fr: 'Une coupure d’eau ou d’électricité dans votre quartier.', en: 'A water or power cut in your area.' },
    body: { ar: 'اتصل بالرقم المجاني 0800 على مدار الساعة واذكر رقم حساب الزبون المكتوب على فاتورتك.', fr: 'Appelez le numéro gratuit 0800, jour et nuit, avec le numéro de compte client inscrit sur votre facture.', en: 'Call the free number 0800, day or night, with the customer account number on your bill.' },
  },
  {
    id: 'property-transfer', agency: 'land', kind: 'info',
    name: { ar: 'نقل ملكية عقار', fr: 'Transfert de propriété', en: 'Transferring a property' },
    summary: { ar: 'ما يلزم لتسجيل بيع عقار.', fr: 'Ce qu’il faut pour inscrire une vente.', en: 'What you need to register a sale.' },
    body: { ar: 'يحرر الموثق عقد البيع ويسجله لدى المحافظة العقارية بعد أداء رسوم التسجيل. يصدر الرسم العقاري الجديد خلال أسبوعين.', fr: 'Le notaire rédige l’acte et l’inscrit à la conservation foncière après paiement des droits. Le nouveau titre est délivré sous deux semaines.', en: 'A notary writes the deed and registers it at the land registry once the fees are paid. The new title is issued within two weeks.' },
  },
  {
    id: 'consular-registration', agency: 'foreign', kind: 'info',
    name: { ar: 'التسجيل القنصلي', fr: 'Inscription consulaire', en: 'Registering with a consulate' },
    summary: { ar: 'للمواطنين المقيمين في الخارج.', fr: 'Pour les citoyens vivant à l’étranger.', en: 'For citizens living abroad.' },
    body: { ar: 'سجّل نفسك لدى القنصلية الأقرب إلى مكان إقامتك، لتتمكن من تجديد وثائقك والتصويت من الخارج.', fr: 'Inscrivez-vous au consulat le plus proche pour renouveler vos documents et voter depuis l’étranger.', en: 'Register at the consulate nearest to where you live, to renew your documents and vote from abroad.' },
  },
];
