import { chaptersFor } from './chapters.ts';
import type { Locale } from './i18n/t.ts';

/** getStaticPaths body shared by the English and Korean chapter routes. */
export async function chapterPaths(locale: Locale) {
  const all = await chaptersFor(locale);
  return all.map((chapter) => ({ params: { slug: chapter.slug }, props: { locale, chapter, all } }));
}
