import { describe, expect, it } from 'vitest';
import calendar from './bindings/golden/business_hours.json';
import { addBusinessHours } from './mockDeadlines';

describe("the mock's business hours follow the core", () => {
  // Written by the core's own test (deadlines::business::export_bindings_business_hours_golden).
  it(`matches ${calendar.cases.length} cases over every site, nights, weekends and holidays`, () => {
    for (const c of calendar.cases) {
      const due = addBusinessHours(c.site, new Date(c.start), c.hours).toISOString().replace('.000Z', 'Z');
      expect(due, JSON.stringify(c)).toBe(c.due);
    }
    expect(calendar.cases.length).toBeGreaterThan(200);
  });
});
