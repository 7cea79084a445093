import en from './en.json';
import ko from './ko.json';

export const locales = ['en', 'ko'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

export type UiKey = keyof typeof en;

const strings: Record<Locale, Record<string, string>> = { en, ko };

export function isLocale(value: string | undefined): value is Locale {
  return value !== undefined && (locales as readonly string[]).includes(value);
}

/** Looks a UI string up for a locale, falling back to English when the locale lacks it. */
export function t(locale: Locale, key: UiKey): string {
  return strings[locale][key] ?? en[key];
}

/** The path prefix of a locale: '' for English at the root, '/ko' for Korean. */
export function localePrefix(locale: Locale): string {
  return locale === defaultLocale ? '' : `/${locale}`;
}

/** The same page in another locale: strips the current prefix and adds the other one. */
export function switchLocalePath(pathname: string, to: Locale): string {
  const bare = pathname.replace(/^\/ko(?=\/|$)/, '') || '/';
  return to === defaultLocale ? bare : `/${to}${bare === '/' ? '/' : bare}`;
}
