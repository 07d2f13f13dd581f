// Formatting of money, dates and waiting times per Mercado Libre site.

const SITE_LOCALE: Record<string, string> = {
  MLA: 'es-AR',
  MLB: 'pt-BR',
  MLM: 'es-MX',
  MLC: 'es-CL',
  MCO: 'es-CO',
  MLU: 'es-UY',
  MPE: 'es-PE',
  MEC: 'es-EC',
};

export function siteLocale(siteId: string): string {
  return SITE_LOCALE[siteId] ?? 'es-AR';
}

/** A decimal-string price in the site's format, e.g. "$ 28.990". */
export function money(price: string | null, currency: string | null, siteId: string): string {
  if (price === null) return '—';
  const value = Number(price);
  if (!Number.isFinite(value)) return price;
  try {
    return new Intl.NumberFormat(siteLocale(siteId), {
      style: 'currency',
      currency: currency ?? 'ARS',
      maximumFractionDigits: Number.isInteger(value) ? 0 : 2,
    }).format(value);
  } catch {
    return `${currency ?? ''} ${price}`.trim();
  }
}

/** Minutes between an RFC 3339 time and now. */
export function minutesSince(iso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
}

/** A compact waiting time: "ahora", "7 min", "2 h 05", "3 d". */
export function waiting(iso: string, now: number, justNow: string): string {
  const m = minutesSince(iso, now);
  if (m < 1) return justNow;
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')}`;
  return `${Math.floor(h / 24)} d`;
}

/** Urgency of a waiting question, for colour: fresh < 15 min, late < 60 min, else overdue. */
export function urgency(iso: string, now: number): 'fresh' | 'late' | 'overdue' {
  const m = minutesSince(iso, now);
  return m < 15 ? 'fresh' : m < 60 ? 'late' : 'overdue';
}

export function dateTime(iso: string, siteId: string): string {
  return new Intl.DateTimeFormat(siteLocale(siteId), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
