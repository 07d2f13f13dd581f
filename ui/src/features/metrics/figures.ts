// The metrics screen's pure parts: how the core's figures become chart lines, and how numbers
// read. Kept apart from the components so vitest checks them without a canvas.
import type { Metrics } from '../../lib/ipc/bindings/Metrics';
import type { MemberResponse } from '../../lib/ipc/bindings/MemberResponse';
import type { Line } from './Chart.svelte';
import { lang } from '../../lib/i18n';
import { tmx } from './strings';

const locale = lang === 'pt' ? 'pt-BR' : lang === 'en' ? 'en-US' : 'es-AR';

/**
 * uPlot formats with the browser's language at load; a system without a locale (LANG=C) gives
 * WebKit the tag "C", which Intl refuses. Give the page the UI's own locale then.
 */
export function usableLanguage(): void {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { value: locale, configurable: true });
  }
}

export const count = (v: number): string => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v);

export const percent = (v: number): string =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: v < 0.1 ? 2 : 1 }).format(v);

/** Seconds as the largest unit that reads well: 45 s, 12 min, 3,5 h, 2 d. */
export function duration(seconds: number): string {
  const n = (v: number, digits = 0): string => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
  if (seconds < 90) return `${n(seconds)} s`;
  if (seconds < 90 * 60) return `${n(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${n(seconds / 3600, 1)} h`;
  return `${n(seconds / 86400, 1)} d`;
}

/** Large numbers for an axis: 350 k, 1,2 M. */
export const compact = (v: number): string =>
  new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(v);

export function money(v: number, currency: string | null): string {
  return currency
    ? new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(v)
    : count(v);
}

/** The questions chart: received and answered per day, and the unanswered count at each day's end. */
export function questionLines(m: Metrics): Line[] {
  return [
    { label: tmx.received, values: m.days.map((d) => d.received), color: '--accent', bars: true },
    { label: tmx.answered, values: m.days.map((d) => d.answered), color: '--ok' },
    { label: tmx.unanswered, values: m.days.map((d) => d.unanswered), color: '--bad', right: true },
  ];
}

/** Response time: the team's median and p90, or one member's. */
export function responseLines(m: Metrics, member: number | null): Line[] {
  if (member === null) {
    return [
      { label: tmx.median, values: m.days.map((d) => d.response_median_s), color: '--accent' },
      { label: tmx.p90, values: m.days.map((d) => d.response_p90_s), color: '--warn', dash: true },
    ];
  }
  const byDay = new Map<string, MemberResponse>(m.members.filter((r) => r.member_id === member).map((r) => [r.day, r]));
  return [
    { label: tmx.median, values: m.days.map((d) => byDay.get(d.day)?.response_median_s ?? null), color: '--accent' },
    { label: tmx.p90, values: m.days.map((d) => byDay.get(d.day)?.response_p90_s ?? null), color: '--warn', dash: true },
  ];
}

/** The members who answered in the range, for the response-time picker. */
export function membersIn(m: Metrics): { id: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const r of m.members) if (!seen.has(r.member_id)) seen.set(r.member_id, r.name);
  return [...seen].map(([id, name]) => ({ id, name }));
}

/**
 * Sales: units (bars) and conversion (right axis). Conversion's provisional days (visits may
 * still arrive) are a separate dashed stretch that starts at the last settled day.
 */
export function salesLines(m: Metrics): Line[] {
  const firstProvisional = m.days.findIndex((d) => d.provisional);
  const settled = m.days.map((d, i) => (firstProvisional >= 0 && i >= firstProvisional ? null : d.conversion));
  const provisional = m.days.map((d, i) =>
    firstProvisional >= 0 && i >= Math.max(0, firstProvisional - 1) ? d.conversion : null,
  );
  return [
    { label: tmx.units, values: m.days.map((d) => d.units), color: '--accent', bars: true },
    { label: tmx.conversion, values: settled, color: '--ok', right: true },
    { label: `${tmx.conversion} (${tmx.provisionalShort})`, values: provisional, color: '--ok', right: true, dash: true, hidden: true },
  ];
}

/** Amount sold per day (in the site's currency). */
export function amountLines(m: Metrics): Line[] {
  return [{ label: tmx.amount, values: m.days.map((d) => d.amount), color: '--info', bars: true }];
}

export type RateKey = 'claims_rate' | 'cancellations_rate' | 'delayed_rate';

/** One reputation rate over the window, with its label. */
export function rateLine(m: Metrics, key: RateKey): Line {
  const label = key === 'claims_rate' ? tmx.claims : key === 'cancellations_rate' ? tmx.cancellations : tmx.delayed;
  return { label, values: m.days.map((d) => d[key]), color: '--fg' };
}

/** The site's colour bands for one rate: green, yellow and orange upper limits. */
export function rateBands(m: Metrics, key: RateKey): [number, string][] | undefined {
  if (!m.bands) return undefined;
  const i = key === 'claims_rate' ? 0 : key === 'cancellations_rate' ? 1 : 2;
  return [
    [m.bands.green[i], '--ok'],
    [m.bands.yellow[i], '#e8b200'],
    [m.bands.orange[i], '#f08a24'],
  ];
}
