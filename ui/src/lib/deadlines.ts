// How a deadline reads, in the UI's language: what is due and how long is left (or how long ago
// it passed). The deadlines themselves come from the core (business hours per site).
import type { Deadline } from './ipc/bindings/Deadline';
import { lang } from './i18n';

const words = {
  es: { message: 'Responder', claim: 'Reclamo', dispatch: 'Despachar', in: 'en', ago: 'vencido hace', dueToday: 'Vence hoy', none: 'Nada vence hoy.', account: 'Cuenta', sale: 'Venta' },
  pt: { message: 'Responder', claim: 'Reclamação', dispatch: 'Despachar', in: 'em', ago: 'venceu há', dueToday: 'Vence hoje', none: 'Nada vence hoje.', account: 'Conta', sale: 'Venda' },
  en: { message: 'Reply', claim: 'Claim', dispatch: 'Dispatch', in: 'in', ago: 'overdue by', dueToday: 'Due today', none: 'Nothing is due today.', account: 'Account', sale: 'Sale' },
} as const;

export const td = words[lang];
export const deadlineDictionaries = words;

/** "2 h 10 min", "45 min", "3 d". */
export function span(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 && hours < 10 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

export type Urgency = 'overdue' | 'soon' | 'later';

/** Overdue; due within two hours; later. */
export function urgencyOf(d: Deadline, now: number): Urgency {
  const left = Date.parse(d.due_at) - now;
  return left < 0 ? 'overdue' : left < 2 * 3_600_000 ? 'soon' : 'later';
}

/** "Reply in 3 h", "Dispatch: overdue by 20 min". */
export function dueText(d: Deadline, now: number): string {
  const left = Date.parse(d.due_at) - now;
  return left < 0 ? `${td[d.kind]}: ${td.ago} ${span(left)}` : `${td[d.kind]} ${td.in} ${span(left)}`;
}

/** Deadlines due before the end of the local day `now` is in (overdue ones included). */
export function dueToday(all: Deadline[], now: number): Deadline[] {
  const end = new Date(now);
  end.setHours(24, 0, 0, 0);
  return all.filter((d) => Date.parse(d.due_at) < end.getTime());
}
