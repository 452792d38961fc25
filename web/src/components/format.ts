import { useTranslation } from 'react-i18next';

/** Date and size formatting in the page's language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'fr' ? 'fr-FR' : 'en-GB';
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  return {
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : ''),
    /** A `YYYY-MM-DD` day. */
    day: (value: string | null | undefined) => (value ? date.format(new Date(`${value}T00:00:00Z`)) : ''),
    bytes: (n: number) => {
      if (n < 1024) return `${number.format(n)} B`;
      if (n < 1024 * 1024) return `${number.format(n / 1024)} KB`;
      return `${number.format(n / (1024 * 1024))} MB`;
    },
  };
}

export function personName(p: { firstName: string; lastName: string } | null | undefined): string {
  return p ? `${p.firstName} ${p.lastName}` : '';
}
