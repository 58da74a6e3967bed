// The finance back office's words.
import type { Text } from '../shared/locale.ts';

export const B = {
  title: { ar: 'المكتب الخلفي المالي', fr: 'Back-office financier', en: 'Finance back office' },
  noRole: { ar: 'لا صلاحية مالية', fr: 'Aucun rôle financier', en: 'No finance role' },
  noRoleBody: {
    ar: 'حسابك على هوية لا يحمل صلاحية مالية لأي إدارة. يمنحها مسؤول إدارتك.',
    fr: 'Votre compte Hawiya ne porte de rôle financier pour aucune administration. L’administrateur de votre administration l’attribue.',
    en: 'Your Hawiya account holds no finance role for any agency. Your agency’s administrator grants it.',
  },
  day: { ar: 'اليوم', fr: 'Jour', en: 'Day' },
  show: { ar: 'عرض', fr: 'Afficher', en: 'Show' },
  transactions: { ar: 'المعاملات', fr: 'Transactions', en: 'Transactions' },
  noTransactions: { ar: 'لا معاملات في هذا اليوم.', fr: 'Aucune transaction ce jour-là.', en: 'No transactions on this day.' },
  settlement: { ar: 'تقرير المقاصة والتسوية', fr: 'Rapport de compensation et de règlement', en: 'Clearing and settlement report' },
  byAgency: { ar: 'حسب الإدارة', fr: 'Par administration', en: 'By agency' },
  byAccount: { ar: 'حسب حساب التسوية', fr: 'Par compte de règlement', en: 'By settlement account' },
  byMethod: { ar: 'حسب طريقة الأداء', fr: 'Par moyen de paiement', en: 'By way of paying' },
  count: { ar: 'العدد', fr: 'Nombre', en: 'Count' },
  total: { ar: 'المجموع', fr: 'Total', en: 'Total' },
  time: { ar: 'الوقت', fr: 'Heure', en: 'Time' },
  receipt: { ar: 'الوصل', fr: 'Reçu', en: 'Receipt' },
  reference: { ar: 'المرجع', fr: 'Référence', en: 'Reference' },
  amount: { ar: 'المبلغ', fr: 'Montant', en: 'Amount' },
  csv: { ar: 'تنزيل المعاملات (CSV)', fr: 'Télécharger les transactions (CSV)', en: 'Download the transactions (CSV)' },
} satisfies Record<string, Text>;
