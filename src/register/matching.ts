// Matching the name a person types against the civil registry's record, across the
// spellings that Arabic script and Latin transliteration allow for the same name.
//
// Arabic is compared letter for letter after removing what writers vary freely: hamza
// carriers, taa marbuta, alef maqsura, diacritics, tatweel and spaces.
//
// Latin is compared by a skeleton: the consonants in order, with sounds that the French
// and English transliterations write differently mapped to one letter (q/k, ch/sh,
// dj/j, ph/f, th/t, dh/d, gh/g, kh/x), doubled letters single, and the inner vowels
// dropped (Youssef, Yusuf, Yousef → ysf). The semivowels w and y count as vowels inside a
// name (Marouane/Marwan, Zakaria/Zakariya) and as consonants at its start (Walid,
// Yasmine). What the vowels still decide is kept as a class (A, I or U) at the start and
// at the end of the name: the end tells Amina (AmnA) from Amin (Amn), Ali (AlI) from Alaa
// (AlA); the start tells Ahmed (Ahmd) from Hamed (hmd), Omar (Umr) from Amr (Amr).
// Names that differ only in their inner vowels still match (Iman/Imane/Eman, but also
// Ayman/Amin): the name confirms a person found by civil number and birth date; it does
// not identify them alone.
import type { MatchResult } from './civil-registry.ts';
import type { RegistryRecord, SubmittedDetails } from './person.ts';

// ---------------------------------------------------------------------------- Arabic

// Hamza and madda forms of alef, hamza carriers, taa marbuta, alef maqsura, and the
// Persian keh, yeh and heh that some keyboards type for the Arabic letters.
const ARABIC_LETTER_VARIANTS: Readonly<Record<string, string>> = {
  '\u0623': '\u0627', // أ → ا
  '\u0625': '\u0627', // إ → ا
  '\u0622': '\u0627', // آ → ا
  '\u0671': '\u0627', // ٱ → ا
  '\u0624': '\u0648', // ؤ → و
  '\u0626': '\u064A', // ئ → ي
  '\u0621': '', // ء
  '\u0629': '\u0647', // ة → ه
  '\u0649': '\u064A', // ى → ي
  '\u06A9': '\u0643', // ک → ك
  '\u06CC': '\u064A', // ی → ي
  '\u06BE': '\u0647', // ھ → ه
};
const ARABIC_VARIANT = new RegExp(`[${Object.keys(ARABIC_LETTER_VARIANTS).join('')}]`, 'gu');
// Tashkeel and the other combining marks (U+064B–U+065F), superscript alef, tatweel.
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u0640]/gu;
// Zero-width (non-)joiners, direction marks and the Arabic letter mark, invisible when
// typed or pasted.
const INVISIBLE = /[\u200B-\u200F\u061C\u2066-\u2069\uFEFF]/gu;
const ARABIC_SCRIPT = /\p{Script=Arabic}/u;

// The article written apart from its word ("ال حسني"), and the compounds that are
// written joined or apart (عبد الله / عبدالله, ابو بكر / ابوبكر), are joined.
function joinArabicCompounds(text: string): string {
  return text
    .replace(/(^| )\u0627\u0644 (?=\S)/gu, '$1\u0627\u0644')
    .replace(/(^| )(\u0639\u0628\u062F|\u0627\u0628\u0648) (?=\S)/gu, '$1$2');
}

// NFKC first so that presentation forms (ﻻ, ﷲ) become ordinary letters and a hamza
// typed as a combining mark joins its letter before the variants are unified.
export function normaliseArabic(text: string): string {
  const letters = text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(ARABIC_MARKS, '')
    .replace(ARABIC_VARIANT, (letter) => ARABIC_LETTER_VARIANTS[letter] ?? letter);
  return joinArabicCompounds(letters.replace(/\s+/gu, ' ').trim());
}

// Spaces do not count: a compound given name is one name however it is spaced
// (نور الدين / نورالدين).
function arabicKey(text: string): string {
  return normaliseArabic(text).replace(/[^\p{L}]/gu, '');
}

// ----------------------------------------------------------------------------- Latin

// "Son of" in its spellings; joined to the next word it spells like Benali.
const SON_OF = new Set(['ibn', 'ebn', 'bin', 'ben', 'bn']);
const APOSTROPHES = /['\u2018\u2019\u02BB\u02BC\u02BE\u02BF`]/gu;

// Lower case, no accents, words of a–z only. Apostrophes join (M'hamed → mhamed);
// hyphens and other punctuation separate.
export function normaliseLatin(text: string): string {
  return text
    .toLowerCase()
    // ç is an s sound (Fayçal); without its cedilla it would read as a k.
    .replace(/ç/gu, 's')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(APOSTROPHES, '')
    .replace(/[^a-z]+/gu, ' ')
    .trim()
    .split(' ')
    .map((word) => (SON_OF.has(word) ? 'ben' : word))
    .join(' ');
}

// One letter per sound, per word so that two words never form a digraph (Abd Hamid).
// 'x' stands for kh and 'š' for sh.
const SOUND_SPELLINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/dj/gu, 'j'],
  [/kh/gu, 'x'],
  [/sh|ch/gu, 'š'],
  [/gh/gu, 'g'],
  [/ph/gu, 'f'],
  [/th/gu, 't'],
  [/dh/gu, 'd'],
  [/ck/gu, 'k'],
  [/q/gu, 'k'],
  [/c(?=[eiy])/gu, 's'],
  [/c/gu, 'k'],
];

function spellSounds(word: string): string {
  return SOUND_SPELLINGS.reduce((spelled, [spelling, sound]) => spelled.replace(spelling, sound), word);
}

// The article (al, el, il, ul) before a consonant is spelled one way, so El Hachemi and
// Al-Hachemi agree.
function unifyLeadingArticle(name: string): string {
  return name.replace(/^[aeiou]l(?=[^aeiouy])/u, 'al');
}

// A final h after a vowel is the taa marbuta or a silent h (Fatimah, Abdallah); a final
// e after a consonant is French and silent (Amine, Abderrahmane).
function dropSilentEnding(name: string): string {
  return name.replace(/(?<=[aeiou])h$/u, '').replace(/(?<=[^aeiouyw])e$/u, '');
}

// The article's l before a sun letter is assimilated in speech, so it is written or not:
// Abdel Rahman / Abderrahmane, Nour al-Din / Noureddine.
function dropAssimilatedL(name: string): string {
  return name.replace(/(?<=[aeiou])l(?=[tdrzsšn])/gu, '');
}

// ou or u before a vowel at the start is a w (Oualid, Ouafa).
function spellInitialW(name: string): string {
  return name.replace(/^o?u(?=[aei])/u, 'w');
}

function isVowelAt(name: string, index: number): boolean {
  const letter = name[index]!;
  return 'aeiou'.includes(letter) || (index > 0 && (letter === 'w' || letter === 'y'));
}

function vowelClass(run: string): string {
  if (run.includes('a')) return 'A';
  if (/[ouw]/u.test(run)) return 'U';
  return 'I';
}

function skeletonOf(name: string): string {
  let consonants = '';
  let leading = '';
  let trailing = '';
  for (let index = 0; index < name.length; index++) {
    if (!isVowelAt(name, index)) {
      consonants += name[index];
      trailing = '';
    } else if (consonants === '') {
      leading += name[index];
    } else {
      trailing += name[index];
    }
  }
  const start = leading ? vowelClass(leading) : '';
  const end = trailing ? vowelClass(trailing) : '';
  return `${start}${consonants}${end}`;
}

export function latinSkeleton(text: string): string {
  const joined = normaliseLatin(text).split(' ').map(spellSounds).join('');
  const single = dropSilentEnding(unifyLeadingArticle(joined)).replace(/(.)\1+/gu, '$1');
  return skeletonOf(spellInitialW(dropAssimilatedL(single)));
}

// --------------------------------------------------------------------------- Matching

// A name in Arabic script is checked against the Arabic record, anything else against
// the Latin one. An empty key (no letters at all) never matches.
export function namesMatch(submitted: string, registered: { ar: string; lat: string }): boolean {
  const [typed, recorded] = ARABIC_SCRIPT.test(submitted)
    ? [arabicKey(submitted), arabicKey(registered.ar)]
    : [latinSkeleton(submitted), latinSkeleton(registered.lat)];
  return typed !== '' && typed === recorded;
}

// The fields of what a person typed that disagree with the registry's record.
export function mismatchedFields(record: RegistryRecord, details: SubmittedDetails): Array<'birthDate' | 'givenName' | 'familyName'> {
  const { ar, lat } = record.names;
  const fields: Array<'birthDate' | 'givenName' | 'familyName'> = [];
  if (record.birthDate !== details.birthDate.trim()) fields.push('birthDate');
  if (!namesMatch(details.givenName, { ar: ar.given, lat: lat.given })) fields.push('givenName');
  if (!namesMatch(details.familyName, { ar: ar.family, lat: lat.family })) fields.push('familyName');
  return fields;
}

// The one rule for both registries: the record exists, and the birth date, given name
// and family name all agree. A missing record and a mismatch give the same answer.
export function matchRecord(record: RegistryRecord | null, details: SubmittedDetails): MatchResult {
  if (!record || record.civilNumber !== details.civilNumber) return { matched: false };
  return mismatchedFields(record, details).length === 0 ? { matched: true, record } : { matched: false };
}
