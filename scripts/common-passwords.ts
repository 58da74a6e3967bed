// Writes config/common-passwords.txt, the passwords that password-policy.ts refuses as too
// easy to guess: `node scripts/common-passwords.ts`. A test checks the file is this
// script's output, so edit here, never the file.
//
// Source: written for Hawiya from what guessing attacks try first, as the public analyses
// of leaked password sets describe them (not copied from any leaked list): the top words
// in English, French and Arabic (in Arabic script, in Arabizi, and as typed on a Latin
// keyboard left in the Arabic layout or the reverse), keyboard walks on QWERTY, AZERTY
// and the Arabic layout, years and dates appended, repeated sequences, leetspeak, and
// the service's own name. Only entries of 12 characters or more are kept: shorter ones
// are refused by the length rule anyway. Entries are lower case (the check is too).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MIN_LENGTH = 12;

const WORDS = [
  // English
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'welcome', 'letmein', 'iloveyou', 'admin', 'administrator', 'changeme',
  'secret', 'sunshine', 'princess', 'football', 'baseball', 'dragon', 'master', 'monkey', 'shadow', 'superman', 'batman',
  'trustno1', 'whatever', 'freedom', 'starwars', 'computer', 'internet', 'default', 'login', 'access', 'hello',
  'iloveu', 'lovely', 'summer', 'winter', 'spring', 'autumn', 'chocolate', 'liverpool', 'chelsea', 'arsenal', 'barcelona',
  'realmadrid', 'manchester', 'michael', 'jennifer', 'government', 'myaccount', 'mypassword', 'newpassword',
  // French
  'motdepasse', 'm0tdepasse', 'motdepass', 'mot2passe', 'azerty', 'bonjour', 'bienvenue', 'jetaime', 'soleil', 'doudou',
  'loulou', 'chouchou', 'marseille', 'paris', 'nicolas', 'camille', 'chocolat', 'coucou', 'amour', 'toulouse', 'lyon',
  'princesse', 'motdepassesecret', 'moncompte', 'monmotdepasse', 'nouveaumotdepasse', 'identite', 'identitenumerique',
  // Arabic names and words, in Latin letters and Arabizi
  'hawiya', 'hawiyya', 'huwiya', 'houwiya', 'hawiyaid', 'mohamed', 'mohammed', 'muhammad', 'mohammad', 'ahmed', 'ahmad',
  'fatima', 'fatma', 'yasmine', 'amine', 'youssef', 'yousef', 'omar', 'ali', 'khadija', 'aicha', 'mariam', 'sara', 'karim',
  'mehdi', 'hamza', 'bilal', 'ibrahim', 'abdallah', 'abdellah', 'allah', 'allahakbar', 'bismillah', 'alhamdulillah',
  'inshallah', 'mashallah', 'subhanallah', 'marhaba', 'mar7aba', 'ahlan', 'ahlanwasahlan', 'habibi', '7abibi', 'habibti',
  '7abibti', 'salam', 'assalamualaikum', 'salamalikoum', 'kalimatsir', 'kalimatalsir', 'kalimatmorour', 'baba', 'mama',
  'maroc', 'morocco', 'tunisie', 'tunisia', 'algerie', 'algeria', 'dzair', 'masr', 'egypt', 'palestine', 'falastin',
  'lebanon', 'liban', 'dubai', 'cairo', 'baghdad', 'casablanca', 'tunis', 'alger', 'oran', 'rabat', 'sfax', 'wadinour',
];

const SUFFIXES = ['', '1', '12', '123', '1234', '12345', '123456', '!', '!!', '@', '#', '1!', '123!', '@123', '_123', '.123', '01', '007', '99', '00', '000'];

const YEARS = Array.from({ length: 2030 - 1950 + 1 }, (_, i) => String(1950 + i));

// The words people most often pair with a year (a birth year, or the current one).
const WITH_YEARS = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'welcome', 'iloveyou', 'admin', 'football', 'princess', 'sunshine', 'motdepasse',
  'azerty', 'bonjour', 'bienvenue', 'jetaime', 'soleil', 'marseille', 'hawiya', 'mohamed', 'mohammed', 'ahmed', 'fatima',
  'yasmine', 'amine', 'youssef', 'bismillah', 'habibi', 'maroc', 'algerie', 'tunisie', 'palestine',
]);

const WALKS = [
  // QWERTY
  'qwertyuiop', 'qwertyuiop[]', 'asdfghjkl', "asdfghjkl;'", 'zxcvbnm', 'zxcvbnm,./', 'qwertyasdfgh', 'qwertyuiopasdfghjkl',
  'asdfghjklzxcvbnm', 'qazwsxedcrfv', 'qazwsxedcrfvtgb', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv', 'zaq12wsxcde3', 'zaq1xsw2cde3',
  '1q2w3e4r5t6y', '1q2w3e4r5t6y7u', 'q1w2e3r4t5y6', 'qweasdzxc123', 'qweasdzxcvbn', 'poiuytrewq', 'lkjhgfdsa', 'mnbvcxz',
  '!qaz@wsx#edc', '!qaz2wsx', 'qwerty123456', '123456qwerty', '1234qwerasdf', '1234qwerasdfzxcv', 'qwer1234asdf',
  // AZERTY
  'azertyuiop', 'azertyuiop^$', 'qsdfghjklm', 'qsdfghjklmù', 'wxcvbn', 'wxcvbn,;:!', 'azertyqsdfgh', 'azertyuiopqsdfghjklm',
  'qsdfghjklmwxcvbn', 'aqwzsxedcrfv', '1aqw2zsx3edc', 'a1z2e3r4t5y6', '1a2z3e4r5t6y', 'azeqsdwxc123', 'azerty123456',
  '123456azerty', '1234azerqsdf', 'poiuytreza', 'mlkjhgfdsq', '&é"\'(-è_çà', '&é"\'(-è_çà)=', 'àçè-(\'"é&',
  // Arabic layout, as typed on the same keys
  'ضصثقفغعهخحجد', 'شسيبلاتنمكط', 'ئءؤرلاىةوزظ', 'ضصثقفغعهخح', 'شسيبلاتنمك', 'ضشئصسءثيؤقبر',
  // digits
  '123456789012', '1234567890123', '12345678901234567890', '098765432109', '0987654321098', '147258369147', '147258369000',
  '789456123789', '741852963741', '123654789123', '159753159753', '951753852456', '147852369147', '963852741963',
  '123456789987', '987654321123', '112233445566', '111222333444', '123123123123', '121212121212', '123321123321',
  '101010101010', '010101010101', '696969696969', '007007007007', '100200300400', '246813579246', '135792468000',
];

// Arabic words a person may choose, and the keys they land on when the keyboard is left in
// the Latin layout (standard Arabic 101 layout).
const ARABIC_WORDS = [
  'كلمةالسر', 'كلمةالمرور', 'كلمةسر', 'السلامعليكم', 'بسماللهالرحمنالرحيم', 'الحمدلله', 'سبحانالله', 'لاالهالاالله',
  'محمدرسولالله', 'اللهاكبر', 'ماشاءالله', 'انشاءالله', 'حبيبي', 'حبيبتي', 'مرحبا', 'اهلاوسهلا', 'هويةرقمية',
  'محمدمحمد', 'احبك', 'انااحبك', 'فلسطين', 'فلسطينحرة', 'الجزائر', 'المغرب', 'تونس', 'مصر', 'السعودية',
];

const ARABIC_KEYS: Record<string, string> = {
  'ض': 'q', 'ص': 'w', 'ث': 'e', 'ق': 'r', 'ف': 't', 'غ': 'y', 'ع': 'u', 'ه': 'i', 'خ': 'o', 'ح': 'p', 'ج': '[', 'د': ']',
  'ش': 'a', 'س': 's', 'ي': 'd', 'ب': 'f', 'ل': 'g', 'ا': 'h', 'ت': 'j', 'ن': 'k', 'م': 'l', 'ك': ';', 'ط': "'",
  'ئ': 'z', 'ء': 'x', 'ؤ': 'c', 'ر': 'v', 'ى': 'n', 'ة': 'm', 'و': ',', 'ز': '.', 'ظ': '/', 'ذ': '`',
  'أ': 'h', 'إ': 'h', 'آ': 'h',
};

const onLatinKeys = (word: string) => [...word].map((letter) => ARABIC_KEYS[letter] ?? letter).join('');

// The reverse: a Latin word typed with the keyboard left in the Arabic layout.
const LATIN_KEYS = Object.fromEntries(Object.entries(ARABIC_KEYS).filter(([letter]) => !'أإآ'.includes(letter)).map(([letter, key]) => [key, letter]));
const onArabicKeys = (word: string) => [...word].map((key) => LATIN_KEYS[key] ?? key).join('');

export function commonPasswords(): string[] {
  const out = new Set<string>();
  const add = (candidate: string) => {
    const value = candidate.trim().toLowerCase();
    if ([...value].length >= MIN_LENGTH) out.add(value);
  };
  for (const word of WORDS) {
    for (const suffix of SUFFIXES) add(word + suffix);
    if (WITH_YEARS.has(word)) {
      for (const year of YEARS) {
        add(word + year);
        add(`${word}@${year}`);
      }
    }
    add(word + word);
    add(`${word}${word}123`);
  }
  for (const walk of WALKS) {
    add(walk);
    for (const suffix of SUFFIXES) add(walk + suffix);
    add(walk + walk);
  }
  for (const word of ARABIC_WORDS) {
    for (const suffix of ['', '123', '1234', '123456']) {
      add(word + suffix);
      add(onLatinKeys(word) + suffix);
    }
  }
  for (const word of ['password', 'motdepasse', 'hawiya', 'azerty', 'qwerty', 'welcome', 'bonjour', 'iloveyou', 'jetaime']) {
    add(onArabicKeys(word));
    add(onArabicKeys(word + '123'));
    add(onArabicKeys(word + '1234'));
  }
  // Short words and sequences repeated until they are long enough.
  for (const unit of ['abc', 'abcd', 'abcdef', 'azer', 'qwer', 'asdf', 'aze', 'qwe', 'xyz', 'pass', 'love', 'hawiya', 'test', 'ab12', 'a1b2', '123abc', 'abc123', 'azerty', 'qwerty']) {
    add(unit.repeat(Math.ceil(MIN_LENGTH / unit.length)));
  }
  for (let digits = 2; digits <= 6; digits++) {
    for (let start = 0; start <= 9; start++) {
      const unit = Array.from({ length: digits }, (_, i) => String((start + i) % 10)).join('');
      add(unit.repeat(Math.ceil(MIN_LENGTH / digits)));
    }
  }
  // Years typed three times, and a year between two common words.
  for (const year of YEARS) {
    add(year.repeat(3));
    add(`azerty${year}azerty`);
    add(`qwerty${year}qwerty`);
  }
  return [...out].sort();
}

if (import.meta.filename === process.argv[1]) {
  const file = join(import.meta.dirname, '..', 'config', 'common-passwords.txt');
  const list = commonPasswords();
  writeFileSync(file, `${list.join('\n')}\n`);
  process.stdout.write(`${list.length} passwords written to ${file}\n`);
}
