/** The grader's own words in a report, per locale (the labs' words live with each lab). */
import type { Locale } from '../ui/i18n/t.ts';

export const messages: Record<Locale, { noAnswer: string; checkError: string }> = {
  en: { noAnswer: 'No answer was given.', checkError: 'The check could not run: {error}' },
  ko: { noAnswer: '답을 입력하지 않았습니다.', checkError: '검사를 실행하지 못했습니다: {error}' },
};
