import { describe, expect, it } from 'vitest';
import golden from './bindings/golden/orders.json';
import type { OrderQuery } from './bindings/OrderQuery';
import type { OrderRow } from './bindings/OrderRow';
import { listOrders } from './mockOrders';

describe("the mock's sales list follows the core", () => {
  // Written by the core's own test (inbox::orders::tests::export_bindings_orders_golden).
  const rows = golden.orders as OrderRow[];
  it(`matches ${golden.cases.length} cases: to dispatch by a day, every order, per account, paged`, () => {
    for (const c of golden.cases) {
      const query = {
        ...c.query,
        account_id: c.query.account_id ?? undefined,
        dispatch_before: c.query.dispatch_before ?? undefined,
      } as OrderQuery;
      const page = listOrders(structuredClone(rows), query);
      expect(
        { ids: page.items.map((o) => o.order_id), total: page.total, to_dispatch: page.to_dispatch },
        JSON.stringify(c.query),
      ).toEqual({ ids: c.ids, total: c.total, to_dispatch: c.to_dispatch });
    }
    expect(golden.cases.length).toBeGreaterThan(30);
  });
});
