import { afterEach, describe, expect, it, vi } from 'vitest';
import { applySavedTheme, applyTheme, useLanguage } from './appearance';
import { chosenLang, detectLang, lang, LANG_KEY } from './i18n';

afterEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

describe('appearance', () => {
  it('a theme choice sets data-theme, is remembered, and "system" clears it', () => {
    applyTheme('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    delete document.documentElement.dataset.theme;
    applySavedTheme();
    expect(document.documentElement.dataset.theme).toBe('dark');
    applyTheme('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    applySavedTheme();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('choosing another language stores it and reloads once; the same one does nothing', () => {
    const other = lang === 'pt' ? 'en' : 'pt';
    const reload = vi.fn();
    expect(useLanguage(other, reload)).toBe(true);
    expect(localStorage.getItem(LANG_KEY)).toBe(other);
    expect(chosenLang()).toBe(other);
    expect(reload).toHaveBeenCalledTimes(1);
    // Already stored: no second reload (no loop at start).
    expect(useLanguage(other, reload)).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
    // Back to the OS language: forgotten; a reload only if the UI is not already in it.
    expect(useLanguage(null, reload)).toBe(detectLang() !== lang);
    expect(localStorage.getItem(LANG_KEY)).toBeNull();
  });
});
