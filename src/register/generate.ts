// A fictional civil registry for the demo, the benchmarks and the tests: deterministic
// for a seed, with plausible Arabic names and their Latin transliterations (French- and
// English-style alike), real birth dates, and unique civil numbers. None of these people
// exist; the country is the fictional HWY.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { luhnCheckDigit, type RegistryRecord } from './person.ts';

export const GENERATED_NATIONALITY = 'HWY';
export const FIRST_BIRTH_DATE = '1930-01-01';
export const LAST_BIRTH_DATE = '2025-12-31';

const DAY_MS = 86_400_000;
const FIRST_BIRTH_DAY = Date.parse(FIRST_BIRTH_DATE) / DAY_MS;
const LAST_BIRTH_DAY = Date.parse(LAST_BIRTH_DATE) / DAY_MS;
const DECEASED_SHARE = 0.01;

export interface GenerateOptions {
  count: number;
  seed: number;
}

// mulberry32: a 32-bit state, fast, and good enough for test data (not for secrets).
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

// ---------------------------------------------------------------------------- Names

export interface NamePair {
  ar: string;
  lat: string;
}

// Written 'arabic=latin'; kept compact so the lists read as lists.
function namePairs(...rows: string[]): readonly NamePair[] {
  return rows.map((row) => {
    const [ar, lat] = row.split('=');
    return { ar: ar!, lat: lat! };
  });
}

export const MALE_GIVEN_NAMES = namePairs(
  'محمد=Mohamed', 'أحمد=Ahmed', 'علي=Ali', 'عمر=Omar', 'يوسف=Youssef', 'إبراهيم=Ibrahim',
  'خالد=Khaled', 'حسن=Hassan', 'حسين=Hussein', 'عبد الله=Abdallah', 'عبد الرحمن=Abderrahmane', 'عبد القادر=Abdelkader',
  'مصطفى=Mustafa', 'كريم=Karim', 'سامي=Sami', 'طارق=Tarek', 'رشيد=Rachid', 'سعيد=Said',
  'نبيل=Nabil', 'هشام=Hicham', 'وليد=Walid', 'مراد=Mourad', 'ياسين=Yassine', 'أمين=Amine',
  'إلياس=Ilyas', 'زكرياء=Zakaria', 'يحيى=Yahya', 'عثمان=Othmane', 'أنس=Anas', 'بلال=Bilal',
  'حمزة=Hamza', 'إسماعيل=Ismail', 'جمال=Djamel', 'فيصل=Fayçal', 'صلاح الدين=Salaheddine', 'نور الدين=Noureddine',
  'عادل=Adel', 'منير=Mounir', 'توفيق=Toufik', 'رضوان=Redouane', 'مروان=Marwan', 'سليمان=Soulaimane',
  'قاسم=Kacem', 'عزيز=Aziz', 'فريد=Farid', 'جواد=Jawad', 'إدريس=Idriss', 'معاذ=Mouad',
  'أيوب=Ayoub', 'زياد=Ziad', 'ماجد=Majid', 'فؤاد=Fouad', 'لطفي=Lotfi', 'حاتم=Hatem',
  'شريف=Cherif', 'ناصر=Nasser', 'منصور=Mansour', 'باسم=Bassem', 'غسان=Ghassan', 'عماد=Imad',
  'سفيان=Sofiane', 'هارون=Haroun',
);

export const FEMALE_GIVEN_NAMES = namePairs(
  'فاطمة=Fatima', 'عائشة=Aicha', 'مريم=Meriem', 'خديجة=Khadija', 'زينب=Zineb', 'أمينة=Amina',
  'سلمى=Salma', 'ليلى=Leila', 'نادية=Nadia', 'سميرة=Samira', 'كريمة=Karima', 'حنان=Hanane',
  'إيمان=Imane', 'سارة=Sarah', 'نور=Nour', 'هدى=Houda', 'رانيا=Rania', 'ياسمين=Yasmine',
  'سعاد=Souad', 'لبنى=Loubna', 'أسماء=Asmaa', 'هاجر=Hajar', 'سناء=Sanaa', 'وفاء=Wafaa',
  'رجاء=Rajae', 'نجاة=Najat', 'جميلة=Djamila', 'صفية=Safia', 'سهام=Siham', 'نوال=Nawal',
  'حياة=Hayat', 'دنيا=Dounia', 'مروة=Marwa', 'شيماء=Chaima', 'إلهام=Ilham', 'غزلان=Ghizlane',
  'بشرى=Bouchra', 'فدوى=Fadwa', 'رحمة=Rahma', 'سلوى=Salwa', 'نعيمة=Naima', 'حليمة=Halima',
  'زهرة=Zahra', 'عبلة=Abla', 'سهى=Soha', 'منى=Mona', 'هبة=Hiba', 'رقية=Roqaya',
  'جنات=Jannat', 'لمياء=Lamia', 'ريم=Rim', 'سلسبيل=Salsabil', 'أميرة=Amira', 'دعاء=Douaa',
  'آية=Aya', 'إكرام=Ikram', 'وداد=Widad', 'نسرين=Nesrine', 'كوثر=Kaouthar', 'بسمة=Basma',
);

export const FAMILY_NAMES = namePairs(
  'بن علي=Ben Ali', 'المنصوري=El Mansouri', 'الحسني=El Hassani', 'بلقاسم=Belkacem', 'العلوي=Alaoui',
  'الإدريسي=El Idrissi', 'بوزيد=Bouzid', 'حداد=Haddad', 'نجار=Najjar', 'الخطيب=El Khatib',
  'عمراني=Amrani', 'الفاسي=El Fassi', 'بن يوسف=Benyoucef', 'شريفي=Cherifi', 'زروقي=Zerrouki',
  'مسعودي=Messaoudi', 'بن عمر=Benamar', 'سعيدي=Saidi', 'رحماني=Rahmani', 'قاسمي=Kacemi',
  'العمري=El Omari', 'التازي=Tazi', 'بناني=Bennani', 'السقاط=Sekkat', 'بوعزة=Bouazza',
  'حمدي=Hamdi', 'صالح=Saleh', 'عبد الرحيم=Abderrahim', 'القرشي=Al Qurashi', 'الأنصاري=Al Ansari',
  'الشامي=Al Shami', 'المصري=Al Masri', 'البغدادي=Al Baghdadi', 'الحلبي=Al Halabi', 'النعيمي=Al Nuaimi',
  'الزعبي=Al Zoubi', 'الخوري=Khoury', 'عطية=Attia', 'عيسى=Issa', 'موسى=Moussa',
  'داود=Daoud', 'يعقوب=Yacoub', 'سليمان=Soliman', 'إسماعيلي=Smaili', 'بوشامة=Bouchama',
  'مزيان=Meziane', 'عبابو=Ababou', 'بوطالب=Boutaleb', 'الطاهري=Tahiri', 'بنجلون=Benjelloun',
  'الكتاني=Kettani', 'الغزالي=Ghazali', 'البكري=Bakri', 'الهاشمي=El Hachemi', 'الشاذلي=Chadli',
  'التونسي=Tounsi', 'الجزائري=Djazairi', 'بن سالم=Ben Salem', 'بن عيسى=Ben Aissa', 'العربي=Larbi',
  'الورغي=Werghi', 'مرزوق=Marzouk', 'فرحات=Ferhat', 'عاشور=Achour', 'بن حمودة=Ben Hamouda',
  'قدور=Kaddour', 'بوخالفة=Boukhalfa', 'زيتوني=Zitouni', 'بن شيخ=Bencheikh', 'المحمدي=El Mohammadi',
  'الراشدي=Al Rashidi', 'السويدي=Al Suwaidi', 'الكعبي=Al Kaabi', 'الدوري=Douri', 'عبيدات=Obeidat',
  'الحمادي=Al Hammadi', 'الظاهري=Al Dhaheri', 'المهيري=Al Muhairi', 'الجابري=El Jabri', 'الطيب=Tayeb',
  'المرابط=Mrabet',
);

// Made-up place names in the style of the region, for a fictional country.
export const BIRTHPLACES: readonly string[] = [
  'Wadi Salam', 'Ras el Ain Jdida', 'Bir Zeitoun', 'Ain Zarqa Sfla', 'Qasr en Nour', 'Tell Hamra',
  'Souk el Arbaa Hawiya', 'Marsa Sghira', 'Jebel Lamouni', 'Dar el Bir', 'Hay Nassim', 'Sidi Amara el Wadi',
  'Kasbah Jdida', 'Bab Tayeb', 'Nakhlat Hawiya', 'Medinat Salwa', 'Bordj Hamid', 'Oued Rmel',
  'Douar Tilila', 'Khirbet Zahra',
];

// ------------------------------------------------------------------- Civil numbers

// Bodies are the 9-digit numbers 100000000–999999999 (no leading zero), so the civil
// number is that body plus its Luhn digit.
const BODY_START = 100_000_000;
const BODY_COUNT = 900_000_000;
const HALF_BITS = 15;
const HALF_MASK = (1 << HALF_BITS) - 1;

function feistelRound(half: number, key: number): number {
  let mixed = Math.imul(half ^ key, 0x45d9f3b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0x119de1f3);
  mixed ^= mixed >>> 16;
  return mixed & HALF_MASK;
}

// A keyed permutation of the counter: a Feistel network is a bijection on 30 bits, and
// walking its cycle until the value falls inside the 900 million bodies keeps it one on
// them. Distinct counters give distinct numbers, with no set of numbers kept in memory.
function civilNumberSequence(seed: number): (index: number) => string {
  const keyRandom = seededRandom(seed ^ 0x9e3779b9);
  const keys = Array.from({ length: 4 }, () => Math.floor(keyRandom() * 2 ** 32));
  const permute = (value: number) => {
    let left = value >>> HALF_BITS;
    let right = value & HALF_MASK;
    for (const key of keys) [left, right] = [right, left ^ feistelRound(right, key)];
    return (left << HALF_BITS) | right;
  };
  return (index) => {
    let value = index;
    do value = permute(value);
    while (value >= BODY_COUNT);
    const body = String(BODY_START + value);
    return `${body}${luhnCheckDigit(body)}`;
  };
}

// ------------------------------------------------------------------------- Persons

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayBetween(random: () => number, first: number, last: number): number {
  return first + Math.floor(random() * (last - first + 1));
}

// Most records are kept in Arabic; the rest prefer French or English.
function pickLocale(random: () => number): RegistryRecord['locale'] {
  const draw = random();
  if (draw < 0.6) return 'ar';
  return draw < 0.9 ? 'fr' : 'en';
}

function generatePerson(random: () => number, civilNumber: string): RegistryRecord {
  const sex = random() < 0.5 ? 'F' : 'M';
  const given = pick(random, sex === 'F' ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES);
  const father = pick(random, MALE_GIVEN_NAMES);
  const grandfather = pick(random, MALE_GIVEN_NAMES);
  const family = pick(random, FAMILY_NAMES);
  const birthDay = dayBetween(random, FIRST_BIRTH_DAY, LAST_BIRTH_DAY);
  // Someone born on the last day cannot have died after it within the range.
  const deceased = random() < DECEASED_SHARE && birthDay < LAST_BIRTH_DAY;
  return {
    civilNumber,
    names: {
      ar: { given: given.ar, father: father.ar, grandfather: grandfather.ar, family: family.ar },
      lat: { given: given.lat, father: father.lat, grandfather: grandfather.lat, family: family.lat },
    },
    birthDate: isoDay(birthDay),
    birthplace: pick(random, BIRTHPLACES),
    sex,
    nationality: GENERATED_NATIONALITY,
    status: deceased ? 'deceased' : 'alive',
    ...(deceased ? { deathDate: isoDay(dayBetween(random, birthDay + 1, LAST_BIRTH_DAY)) } : {}),
    version: 1,
    locale: pickLocale(random),
  };
}

export function* generateRegistry(options: GenerateOptions): Generator<RegistryRecord> {
  if (!Number.isInteger(options.count) || options.count < 0 || options.count > BODY_COUNT) {
    throw new RangeError(`count must be an integer from 0 to ${BODY_COUNT}`);
  }
  const random = seededRandom(options.seed);
  const civilNumberAt = civilNumberSequence(options.seed);
  for (let index = 0; index < options.count; index++) yield generatePerson(random, civilNumberAt(index));
}

// Lines are written in batches: one write per record would spend its time in the
// stream machinery, not in generating.
function* jsonLineBatches(options: GenerateOptions, batchSize = 1000): Generator<string> {
  let batch: string[] = [];
  for (const record of generateRegistry(options)) {
    batch.push(JSON.stringify(record));
    if (batch.length === batchSize) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
}

// Streams the records as JSON lines, so a million of them never sit in memory at once.
export async function writeRegistryFile(path: string, options: GenerateOptions): Promise<void> {
  await pipeline(Readable.from(jsonLineBatches(options)), createWriteStream(path));
}
