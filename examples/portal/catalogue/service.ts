// What a service of the catalogue is: paid (a request form, a fee, paid through the
// gateway) or informational (a page of guidance).
import type { Text } from '../../shared/locale.ts';
import type { AgencyId } from '../../shared/agencies.ts';

// What the request form asks besides the person: a number of copies (the fee is per
// copy), a reference the person holds (a fine number, a plate), or nothing.
export type RequestInput =
  | { kind: 'none' }
  | { kind: 'copies' }
  | { kind: 'reference'; label: Text; hint: Text; pattern: string };

export interface PaidService {
  id: string;
  agency: AgencyId;
  kind: 'paid';
  name: Text;
  summary: Text;
  // The fee, a decimal string in the catalogue's currency (never a float).
  fee: string;
  input: RequestInput;
  // The request ends in a PDF form for the person to sign (remote signing).
  signsForm?: boolean;
}

export interface InformationService {
  id: string;
  agency: AgencyId;
  kind: 'info';
  name: Text;
  summary: Text;
  body: Text;
}

export type Service = PaidService | InformationService;

// A fictional currency for a fictional country: the Hawiyan dinar.
export const CURRENCY = 'HWD';
