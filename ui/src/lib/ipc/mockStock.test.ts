import { describe, expect, it } from 'vitest';
import golden from './bindings/golden/stock.json';
import type { StockQuery } from './bindings/StockQuery';
import { MockStock, type RawListing } from './mockStock';

describe("the mock's stock view follows the core", () => {
  // Written by the core's own test (stock::tests::export_bindings_stock_golden).
  const stock = (): MockStock => {
    const s = new MockStock();
    s.listings = structuredClone(golden.listings) as RawListing[];
    s.defaultThreshold = golden.default_threshold;
    s.skuThresholds = { ...golden.sku_thresholds };
    s.listingThresholds = { ...golden.listing_thresholds };
    for (const [sku, quantity] of Object.entries(golden.confirmed_links)) s.links[sku] = { state: 'confirmed', quantity };
    return s;
  };
  for (const c of golden.cases) {
    it(c.name, () => {
      const page = stock().page(c.query as StockQuery);
      expect(page.total).toBe(c.total);
      expect(
        page.items.map((r) => ({
          id: r.id,
          status: r.status,
          cover_days: r.cover_days,
          low: r.low,
          threshold: r.threshold,
          read_only: r.read_only,
          variations: r.variations.map((v) => ({ id: v.id, cover_days: v.cover_days, low: v.low, read_only: v.read_only })),
        })),
      ).toEqual(c.rows);
    });
  }

  it('refuses read-only rows and changes the rest, like the core', () => {
    const s = stock();
    const outcomes = s.bulk(
      [
        { item_id: 'MLA1', variation_id: null },
        { item_id: 'MLA3', variation_id: null },
        { item_id: 'MLA5', variation_id: 51 },
        { item_id: 'MLA2', variation_id: null },
        { item_id: 'MLA9', variation_id: null },
      ],
      { op: 'subtract', n: 40 },
      true,
    );
    expect(outcomes.map((o) => [o.quantity, o.error?.code ?? null])).toEqual([
      [0, null],
      [null, 'stock_read_only'],
      [null, 'stock_read_only'],
      [null, 'invalid_input'],
      [null, 'not_found'],
    ]);
    expect(() => s.bulk([], { op: 'add', n: 1 }, false)).toThrow();
  });
});
