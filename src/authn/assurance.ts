// Levels of assurance (eIDAS) and authentication methods (RFC 8176).
//   low          a password
//   substantial  two factors, or a passkey with user verification
//   high         a device-bound passkey (not synced) with user verification, on an
//                account whose holder was verified in person
export const LEVELS = ['low', 'substantial', 'high'] as const;
export type Level = (typeof LEVELS)[number];

export const ACR: Record<Level, string> = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
};

// RFC 8176 method names, as we use them.
export type Method = 'pwd' | 'otp' | 'hwk' | 'swk' | 'user' | 'mfa';

export function levelOfAcr(acr: unknown): Level | undefined {
  return LEVELS.find((level) => ACR[level] === acr);
}

export const rank = (level: Level) => LEVELS.indexOf(level);
export const atLeast = (reached: Level, required: Level) => rank(reached) >= rank(required);
export const higher = (a: Level, b: Level): Level => (rank(a) >= rank(b) ? a : b);

// What a passkey proves: possession of a key held in hardware (device-bound) or synced in
// software, and user verification.
export function passkeyMethods(backedUp: boolean): Method[] {
  return [backedUp ? 'swk' : 'hwk', 'user'];
}

const POSSESSION: ReadonlySet<Method> = new Set(['otp', 'hwk', 'swk']);

// Two kinds of factor are "mfa": knowledge and possession, or possession and inherence
// (a passkey with user verification).
export function withMfa(methods: Iterable<Method>): Method[] {
  const set = new Set(methods);
  set.delete('mfa');
  const possession = [...set].some((method) => POSSESSION.has(method));
  const other = set.has('pwd') || set.has('user');
  const list = [...set].sort();
  return possession && other ? [...list, 'mfa'] : list;
}

export function levelOf(methods: Iterable<Method>, account: { verifiedInPerson: boolean }): Level {
  const set = new Set(methods);
  if (set.has('hwk') && set.has('user') && account.verifiedInPerson) return 'high';
  if (withMfa(set).includes('mfa')) return 'substantial';
  return 'low';
}

// The level a request needs: the client's floor, raised by what the request asks (the
// lowest level it lists is enough, as eIDAS levels include those below them).
export function requiredLevel(input: { clientMinimum?: unknown; acrValues?: unknown; essentialAcr?: { value?: unknown; values?: unknown } | undefined }): Level {
  let required: Level = levelOfAcr(input.clientMinimum) ?? 'low';
  const asked = [
    ...(typeof input.acrValues === 'string' ? input.acrValues.split(' ') : []),
    ...(input.essentialAcr?.value !== undefined ? [input.essentialAcr.value] : []),
    ...(Array.isArray(input.essentialAcr?.values) ? input.essentialAcr.values : []),
  ].map(levelOfAcr).filter((level): level is Level => level !== undefined);
  if (asked.length > 0) required = higher(required, asked.reduce((low, level) => (rank(level) < rank(low) ? level : low)));
  return required;
}
