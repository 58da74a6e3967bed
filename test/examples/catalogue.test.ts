// The portal's catalogue: 42 services from 13 agencies, 22 paid with fees and 20
// informational, every text in Arabic, French and English.
import assert from 'node:assert/strict';
import { AGENCIES, SERVICES, PAID_SERVICES, INFORMATION_SERVICES } from '../../examples/portal/catalogue/index.ts';
import { LOCALES } from '../../examples/shared/locale.ts';

describe('the portal\'s catalogue', () => {
  it('has 42 services from 13 agencies: 22 paid, 20 informational', () => {
    assert.equal(SERVICES.length, 42);
    assert.equal(PAID_SERVICES.length, 22);
    assert.equal(INFORMATION_SERVICES.length, 20);
    assert.equal(AGENCIES.length, 13);
    assert.deepEqual(new Set(SERVICES.map((service) => service.agency)), new Set(AGENCIES.map((agency) => agency.id)), 'every agency has a service');
    assert.equal(new Set(SERVICES.map((service) => service.id)).size, 42, 'ids are unique');
  });

  it('gives every paid service a fee in hundredths, above zero', () => {
    for (const service of PAID_SERVICES) assert.match(service.fee, /^\d+\.\d{2}$/, service.id);
    assert.ok(PAID_SERVICES.every((service) => Number(service.fee) > 0));
  });

  it('says everything in Arabic, French and English, Arabic in Arabic script', () => {
    const texts = SERVICES.flatMap((service) => [service.name, service.summary, ...(service.kind === 'info' ? [service.body] : [])]);
    for (const text of [...texts, ...AGENCIES.map((agency) => agency.name)]) {
      for (const locale of LOCALES) assert.ok(text[locale].trim().length > 2, `${JSON.stringify(text)} lacks ${locale}`);
      assert.match(text.ar, /[\u0600-\u06ff]/, `${text.en}: the Arabic is in Arabic script`);
      assert.notEqual(text.fr, text.en, `${text.en}: the French is French`);
    }
  });
});
