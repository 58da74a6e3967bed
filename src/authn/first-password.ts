// The rule for a password a person chooses: long enough to resist guessing, not a
// well-known password, and not made of what an attacker already knows about them (their
// username or e-ID number). A minimal local check, to be replaced by the full password
// policy (with its long list of common passwords) behind this same signature.
const MIN_LENGTH = 12;
// argon2 hashes anything, but a megabyte of password is an attack, not a password.
const MAX_LENGTH = 1024;

// Passwords of twelve characters or more that lists of breached passwords show people use
// most, lower-cased; a password matching one, ignoring case, is refused.
const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456123456', '111111111111', '000000000000', '123123123123',
  'qwertyuiopas', 'qwertyuiop12', 'qwertyuiop123', 'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'azertyuiop12',
  'password1234', 'password12345', 'passwordpassword', 'password123!', 'iloveyou1234', 'letmein12345', 'welcome12345',
  'administrator', 'changeme1234', 'trustno11234', 'football1234', 'monkey123456', 'sunshine1234', 'princess1234',
  'motdepasse12', 'motdepasse123', 'bonjour12345', 'soleil123456', 'marhaba12345', 'bismillah123', 'allahakbar12',
  'hawiya123456', 'hawiyahawiya', 'correcthorsebatterystaple', 'correct horse battery staple',
]);

// A field error key (fields.newPassword.*), or null when the password is acceptable.
export function checkNewPassword(password: string, context: { username: string; eid: string }): string | null {
  const length = [...password].length;
  if (length < MIN_LENGTH) return 'fields.newPassword.too_short';
  if (length > MAX_LENGTH) return 'fields.newPassword.too_long';
  if (new Set(password).size === 1) return 'fields.newPassword.one_character';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'fields.newPassword.common';
  const known = [context.username, context.eid].map((value) => value.trim().toLowerCase()).filter((value) => value.length >= 4);
  if (known.some((value) => lower.includes(value))) return 'fields.newPassword.personal';
  return null;
}
