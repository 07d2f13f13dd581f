import { describe, expect, it } from 'vitest';
import { detectLang, dictionaries } from './i18n';
import { keyPaths as flatten } from './keyPaths';

describe('translations', () => {
  const es = flatten(dictionaries.es);
  for (const lang of ['pt', 'en'] as const) {
    it(`${lang} has every Spanish key, each with a text`, () => {
      const other = flatten(dictionaries[lang]);
      const missing = [...es.keys()].filter((k) => !other.has(k));
      const extra = [...other.keys()].filter((k) => !es.has(k));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      for (const [k, v] of other) expect(typeof v === 'string' && v.trim() !== '', k).toBe(true);
    });
  }

  it('follows the locale', () => {
    expect(detectLang('pt-BR')).toBe('pt');
    expect(detectLang('en-US')).toBe('en');
    expect(detectLang('es-AR')).toBe('es');
    expect(detectLang('fr-FR')).toBe('es');
  });
});

describe('error sentences', () => {
  it('every language has one per error code', async () => {
    const { errorDictionaries } = await import('./errors');
    const codes = Object.keys(errorDictionaries.es).sort();
    for (const l of ['pt', 'en'] as const) expect(Object.keys(errorDictionaries[l]).sort()).toEqual(codes);
  });
});
