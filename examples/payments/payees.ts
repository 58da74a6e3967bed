// Where each agency's money goes: its settlement account at a bank. Some agencies share
// the Treasury's account, so the settlement report adds them up per account. Fictional
// accounts in a fictional country ("HW").
import type { AgencyId } from '../shared/agencies.ts';

export interface SettlementAccount {
  iban: string;
  bank: string;
}

const TREASURY: SettlementAccount = { iban: 'HW4100010000000000000001', bank: 'Central Bank – Treasury' };

export const SETTLEMENT_ACCOUNTS: Record<AgencyId, SettlementAccount> = {
  interior: TREASURY,
  justice: TREASURY,
  transport: { iban: 'HW7300020000000000000412', bank: 'National Bank' },
  police: TREASURY,
  tax: { iban: 'HW2600010000000000000077', bank: 'Central Bank – Tax receipts' },
  health: TREASURY,
  education: TREASURY,
  labour: TREASURY,
  commerce: { iban: 'HW5800030000000000000905', bank: 'Postal Bank' },
  municipality: { iban: 'HW1900030000000000001288', bank: 'Postal Bank' },
  utilities: { iban: 'HW9400040000000000003141', bank: 'Commercial Bank' },
  land: { iban: 'HW3700020000000000000733', bank: 'National Bank' },
  foreign: TREASURY,
};

export function settlementAccountOf(agency: string): SettlementAccount | undefined {
  return Object.hasOwn(SETTLEMENT_ACCOUNTS, agency) ? SETTLEMENT_ACCOUNTS[agency as AgencyId] : undefined;
}
