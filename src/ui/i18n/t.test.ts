import { describe, expect, it } from 'vitest';
import en from './en.json';
import ko from './ko.json';
import { localePrefix, switchLocalePath, t } from './t.ts';

describe('t()', () => {
  it('returns the string of the locale', () => {
    expect(t('en', 'nav.home')).toBe('Home');
    expect(t('ko', 'nav.home')).toBe('홈');
  });

  it('has the same keys in every locale', () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  });
});

describe('locale paths', () => {
  it('puts English at the root and Korean under /ko/', () => {
    expect(localePrefix('en')).toBe('');
    expect(localePrefix('ko')).toBe('/ko');
  });

  it('maps a page to the same page in the other locale', () => {
    expect(switchLocalePath('/', 'ko')).toBe('/ko/');
    expect(switchLocalePath('/chapters/about-the-labs/', 'ko')).toBe('/ko/chapters/about-the-labs/');
    expect(switchLocalePath('/ko/chapters/about-the-labs/', 'en')).toBe('/chapters/about-the-labs/');
    expect(switchLocalePath('/ko/', 'en')).toBe('/');
    expect(switchLocalePath('/ko', 'en')).toBe('/');
  });
});
