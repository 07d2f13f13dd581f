// The mock's deadlines: the core's business-hours rule (working days minus the site's national
// holidays, 08:00–21:00 in the site's time), with the calendar the core itself wrote
// (bindings/golden/business_hours.json) and checked there case by case against the core.
import calendar from './bindings/golden/business_hours.json';
import type { Deadline } from './bindings/Deadline';
import type { Conversation } from './bindings/Conversation';

type SiteCalendar = { utc_offset_hours: number; holidays: string[] };
const HOUR = 3_600_000;

/** The instant `hours` business hours after `start` on `site` (the core's `Site::add_hours`). */
export function addBusinessHours(site: string, start: Date, hours: number): Date {
  const s = (calendar.sites as Record<string, SiteCalendar | undefined>)[site];
  if (!s) throw new Error(`no business calendar for ${site}`);
  const offset = s.utc_offset_hours * HOUR;
  // Work in the site's wall clock, kept in a Date's UTC fields.
  let at = new Date(start.getTime() + offset);
  let left = hours * HOUR;
  const dayAt = (d: Date, hour: number): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour));
  const works = (d: Date): boolean => {
    const wd = d.getUTCDay();
    return wd !== 0 && wd !== 6 && !s.holidays.includes(d.toISOString().slice(0, 10));
  };
  for (let guard = 0; guard < 800; guard++) {
    const opens = dayAt(at, calendar.opens);
    const closes = dayAt(at, calendar.closes);
    if (!works(at) || at >= closes) {
      at = new Date(dayAt(at, calendar.opens).getTime() + 24 * HOUR);
      continue;
    }
    if (at < opens) at = opens;
    const today = closes.getTime() - at.getTime();
    if (left <= today) {
      at = new Date(at.getTime() + left);
      break;
    }
    left -= today;
    at = new Date(opens.getTime() + 24 * HOUR);
  }
  return new Date(at.getTime() - offset);
}

/** The demo's deadlines: its waiting conversations (8 business hours) and the shipments of
 * the first few orders: one already late (as the sandbox's delayed shipments are), the others due
 * in the next hours, so the due-today panel has something at any hour of the day. */
export function demoDeadlines(conversations: Conversation[], site: string, now: Date): Deadline[] {
  const out: Deadline[] = [];
  for (const c of conversations) {
    if (!c.waiting_since) continue;
    const since = new Date(c.waiting_since);
    out.push({
      kind: 'message',
      account_id: c.account_id,
      pack_id: c.pack_id,
      order_id: c.order_id,
      target_id: c.pack_id,
      since: since.toISOString(),
      due_at: addBusinessHours(site, since, calendar.message_hours).toISOString(),
    });
  }
  conversations.slice(0, 3).forEach((c, i) => {
    out.push({
      kind: 'dispatch',
      account_id: c.account_id,
      pack_id: c.pack_id,
      order_id: c.order_id,
      target_id: 9_000 + i,
      since: null,
      due_at: new Date(now.getTime() + (i * 3 - 1) * HOUR).toISOString(),
    });
  });
  return out.sort((a, b) => a.due_at.localeCompare(b.due_at));
}
