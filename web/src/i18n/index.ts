import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import fr from './fr.json';

export const LANGUAGES = ['en', 'fr'] as const;
export type Lang = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'portal.language';

function stored(): Lang | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'fr' ? value : null;
  } catch {
    return null;
  }
}

const initial: Lang = stored() ?? (navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en');

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

document.documentElement.lang = initial;
i18n.on('languageChanged', (lang) => {
  document.documentElement.lang = lang;
});

/** The language the person picked in this browser, kept across visits. */
export function chooseLanguage(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private browsing without storage: the choice lasts for this page only.
  }
  void i18n.changeLanguage(lang);
}

/**
 * The account's language, used when the person never picked one in this browser (a choice made
 * in the profile is saved to the account as well, with `setLanguage`).
 */
export function applyAccountLanguage(lang: Lang): void {
  if (stored() === null && i18n.language !== lang) void i18n.changeLanguage(lang);
}

export function currentLang(): Lang {
  return i18n.language === 'fr' ? 'fr' : 'en';
}

export default i18n;
