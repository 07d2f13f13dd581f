import { describe, expect, it } from 'vitest';
import golden from './bindings/golden/inbox_order.json';
import type { StatusFilter } from './bindings/StatusFilter';
import { MockBackend, sampleQuestion } from './mock';

describe("the mock's inbox orders follow the core", () => {
  // Written by the core's own test (inbox::golden::export_bindings_inbox_order_golden).
  const questions = golden.questions.map((q) =>
    sampleQuestion(q.id, {
      status: q.status as 'ANSWERED' | 'UNANSWERED',
      date_created: q.date_created,
      answer_date: q.answer_date,
      answer_text: q.answer_date ? `respuesta ${q.id}` : null,
    }),
  );
  for (const c of golden.cases) {
    it(c.status, async () => {
      const backend = new MockBackend(structuredClone(questions));
      const page = await backend.inboxList({ status: c.status as StatusFilter, limit: 100, offset: 0 });
      expect(page.items.map((q) => q.id)).toEqual(c.ids);
    });
  }
});
