// The language and theme chosen in settings. The core keeps them (notifications and the tray
// use the language too); a copy in localStorage lets the UI start in the right language and
// colours before the backend answers.
import type { Language } from './ipc/bindings/Language';
import type { Theme } from './ipc/bindings/Theme';
import { chosenLang, detectLang, lang, LANG_KEY } from './i18n';

const THEME_KEY = 'mostrador.theme';

function store(key: string, value: string | null): boolean {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
    return localStorage.getItem(key) === value;
  } catch {
    return false;
  }
}

/** Light, dark or the OS's: sets `data-theme` on the document (the CSS follows it). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  store(THEME_KEY, theme === 'system' ? null : theme);
}

/** Applies the theme remembered from the last run (called before the first render). */
export function applySavedTheme(): void {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
  } catch {
    // No storage: the OS theme applies.
  }
}

/**
 * Makes `language` (null: the OS's) the UI's language. Texts are chosen once at start, so the
 * UI reloads when it changes; returns whether it did.
 */
export function useLanguage(language: Language | null, reload = () => window.location.reload()): boolean {
  if (language === chosenLang() || !store(LANG_KEY, language)) return false;
  if ((language ?? detectLang()) === lang) return false;
  reload();
  return true;
}
