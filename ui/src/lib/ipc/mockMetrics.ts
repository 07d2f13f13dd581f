// The metrics screen in the mock: the figures the core computed for a generated four-month
// history (bindings/golden/metrics.json, written by metrics::tests::export_bindings_metrics_golden),
// picked by account and cut to the range asked. Nothing is recomputed here, so the mock cannot
// drift from the core's arithmetic.
import type { Metrics } from './bindings/Metrics';
import type { MetricsQuery } from './bindings/MetricsQuery';
import type { Thermometer } from './bindings/Thermometer';

type Golden = typeof import('./bindings/golden/metrics.json');
/** Loaded with the metrics screen (a separate chunk: the inbox starts without it). */
const load = (): Promise<Golden> => import('./bindings/golden/metrics.json').then((m) => m.default as unknown as Golden);

export class MockMetrics {
  async series(query: MetricsQuery): Promise<Metrics> {
    const golden = await load();
    const key = query.account_id == null ? 'all' : String(query.account_id);
    const full = (golden.series as unknown as Record<string, Metrics | undefined>)[key];
    if (!full) throw new Error(`no such account: ${query.account_id}`);
    const to = query.to ?? full.to;
    const from =
      query.from ?? shift(to, -((query.days ?? 120) - 1));
    if (from > to) throw new Error('the range starts after it ends');
    const days = full.days.filter((d) => d.day >= from && d.day <= to);
    const members = full.members.filter((m) => m.day >= from && m.day <= to);
    return structuredClone({ ...full, from, to, days, members });
  }

  async thermometers(): Promise<Thermometer[]> {
    const golden = await load();
    return structuredClone(golden.thermometers as unknown as Thermometer[]);
  }
}

function shift(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
