import { type CollectionEntry, getCollection } from 'astro:content';
import { defaultLocale, type Locale } from './i18n/t.ts';

export interface ChapterRef {
  slug: string;
  entry: CollectionEntry<'chapters'>;
  /** True when the locale has no translation and the English entry stands in. */
  fallback: boolean;
}

function splitId(id: string): { locale: string; slug: string } {
  const [locale = '', ...rest] = id.split('/');
  return { locale, slug: rest.join('/') };
}

/** Every chapter of a locale in reading order; untranslated chapters fall back to English. */
export async function chaptersFor(locale: Locale): Promise<ChapterRef[]> {
  const all = await getCollection('chapters', (e) => !e.data.draft);
  const bySlug = new Map<string, ChapterRef>();
  for (const entry of all) {
    const { locale: entryLocale, slug } = splitId(entry.id);
    if (entryLocale === defaultLocale && !bySlug.has(slug))
      bySlug.set(slug, { slug, entry, fallback: locale !== defaultLocale });
    if (entryLocale === locale) bySlug.set(slug, { slug, entry, fallback: false });
  }
  return [...bySlug.values()].sort((a, b) => a.entry.data.order - b.entry.data.order || a.slug.localeCompare(b.slug));
}
