// The catalogue: 42 services from 13 agencies, 22 paid and 20 informational.
import { AGENCIES } from '../../shared/agencies.ts';
import { PAID_SERVICES } from './paid-services.ts';
import { INFORMATION_SERVICES } from './information-services.ts';
import type { PaidService, Service } from './service.ts';

export const SERVICES: Service[] = [...PAID_SERVICES, ...INFORMATION_SERVICES];

export function findService(id: string): Service | undefined {
  return SERVICES.find((service) => service.id === id);
}

export function findPaidService(id: string): PaidService | undefined {
  return PAID_SERVICES.find((service) => service.id === id);
}

export function servicesOf(agencyId: string): Service[] {
  return SERVICES.filter((service) => service.agency === agencyId);
}

export { AGENCIES, PAID_SERVICES, INFORMATION_SERVICES };
export * from './service.ts';
