import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue, pickLocale, translate, LOCALES } from '../../src/web/i18n.ts';
import { errorStatus } from '../../src/errors.ts';

describe('translations', () => {
  const english = loadCatalogue('en');

  for (const locale of LOCALES) {
    it(`${locale} has every key of en and nothing else`, () => {
      const catalogue = loadCatalogue(locale);
      assert.deepEqual([...english.keys()].filter((key) => !catalogue.has(key)), [], 'missing keys');
      assert.deepEqual([...catalogue.keys()].filter((key) => !english.has(key)), [], 'keys en does not have');
      for (const [key, text] of catalogue) {
        const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        assert.deepEqual(placeholders(text), placeholders(english.get(key)!), `${locale} ${key} placeholders`);
      }
    });
  }

  it('has a message for every error code', () => {
    for (const code of Object.keys(errorStatus)) assert.ok(english.has(`errors.${code}`), code);
  });

  it('has a message for every key the views use', () => {
    const views = join(import.meta.dirname, '..', '..', 'views');
    const files = readdirSync(views, { recursive: true }).map(String).filter((file) => file.endsWith('.eta'));
    for (const file of files) {
      for (const [, key] of readFileSync(join(views, file), 'utf8').matchAll(/it\.t\('([a-zA-Z.]+)'[,)]/g)) {
        assert.ok(english.has(key!), `${file} uses ${key}`);
      }
    }
  });

  it('fills placeholders', () => {
    assert.equal(translate('fr', 'signin.cancel', { client: 'Portail' }), 'Annuler et revenir à \u2068Portail\u2069');
  });

  it('picks the first supported language by weight', () => {
    assert.equal(pickLocale(['de-DE,fr;q=0.8,ar;q=0.9']), 'ar');
    assert.equal(pickLocale([undefined, 'fr-CA en']), 'fr');
    assert.equal(pickLocale(['de', 'es']), undefined);
    assert.equal(pickLocale(['xx', undefined, 'en-GB;q=0.5, *;q=0.1']), 'en');
  });
});
