// A long list read from the backend one page at a time: only the pages around what is on screen
// are fetched, and a refresh replaces them all at once (no flicker, no half-old list).

/** One page as the backend returns it: the rows and how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Pages kept on each side of the screen. */
const KEEP_PAGES = 5;

export class PagedRows<T> {
  /** Rows in the whole list (as of the last page read). */
  total = $state(0);
  /** Whether at least one page was read since the last reset. */
  loaded = $state(false);
  private pages = $state<Record<number, T[]>>({});
  private inflight = new Map<number, Promise<void>>();
  /** True while a reset reads its pages, and before the first one (nothing to show yet). */
  private resetting = true;
  /** Bumped by every reset: pages of an older generation are dropped when they arrive. */
  private generation = 0;
  /** The rows on screen, as told by the list view. */
  private visible: [number, number] = [0, 0];

  constructor(
    private readonly fetch: (offset: number, limit: number) => Promise<Page<T>>,
    readonly pageSize = 100,
  ) {}

  /** The row at `index`, when its page is loaded. */
  at(index: number): T | undefined {
    return this.pages[Math.floor(index / this.pageSize)]?.[index % this.pageSize];
  }

  /** Every loaded row with its index (for finding a row by id). */
  *loadedRows(): Generator<[number, T]> {
    for (const [page, rows] of Object.entries(this.pages)) {
      const base = Number(page) * this.pageSize;
      for (let i = 0; i < rows.length; i++) yield [base + i, rows[i]!];
    }
  }

  /** Rows `first..=last` are on screen: loads the pages they need. */
  async show(first: number, last: number): Promise<void> {
    this.visible = [first, last];
    await this.ensure(first, last);
  }

  /** Loads the pages holding rows `first..=last` that are not loaded yet. */
  async ensure(first: number, last: number): Promise<void> {
    // A reset in progress reads the screen's pages itself, then calls back here.
    if (this.resetting) return;
    const wanted: Promise<void>[] = [];
    for (let p = this.pageOf(first); p <= this.pageOf(last); p++) {
      if (this.pages[p] || (this.loaded && p * this.pageSize >= this.total && p > 0)) continue;
      wanted.push(this.load(p));
    }
    await Promise.all(wanted);
  }

  /**
   * Re-reads the pages on screen (and the first, for the counts) and swaps them in together;
   * `fromTop` also forgets the scroll position (a new filter). `swapped` runs right after the
   * swap, before anything renders (to move a selection along with the rows).
   */
  async reset(fromTop = false, swapped?: () => void): Promise<void> {
    const generation = ++this.generation;
    this.inflight.clear();
    if (fromTop) this.visible = [0, 0];
    const pages = new Set([0, this.pageOf(this.visible[0]), this.pageOf(this.visible[1])]);
    this.resetting = true;
    let read: (readonly [number, Page<T>])[];
    try {
      read = await Promise.all(
        [...pages].map(async (p) => [p, await this.fetch(p * this.pageSize, this.pageSize)] as const),
      );
    } finally {
      if (generation === this.generation) this.resetting = false;
    }
    if (generation !== this.generation) return;
    const next: Record<number, T[]> = {};
    for (const [p, page] of read) {
      next[p] = page.items;
      this.total = page.total;
    }
    this.pages = next;
    this.loaded = true;
    swapped?.();
    // The screen may have moved (or grown) while the pages were read.
    void this.ensure(this.visible[0], this.visible[1]);
  }

  /** The loaded pages near the screen: far ones are dropped so memory stays flat while scrolling. */
  private keptPages(): Record<number, T[]> {
    const [low, high] = [this.pageOf(this.visible[0]) - KEEP_PAGES, this.pageOf(this.visible[1]) + KEEP_PAGES];
    const kept: Record<number, T[]> = {};
    for (const [p, rows] of Object.entries(this.pages)) {
      const n = Number(p);
      if (n === 0 || (n >= low && n <= high)) kept[n] = rows;
    }
    return kept;
  }

  private pageOf(index: number): number {
    return Math.max(0, Math.floor(index / this.pageSize));
  }

  private load(page: number): Promise<void> {
    const running = this.inflight.get(page);
    if (running) return running;
    const generation = this.generation;
    const task = this.fetch(page * this.pageSize, this.pageSize)
      .then((result) => {
        if (generation !== this.generation) return;
        this.pages = { ...this.keptPages(), [page]: result.items };
        this.total = result.total;
        this.loaded = true;
      })
      .finally(() => {
        if (this.inflight.get(page) === task) this.inflight.delete(page);
      });
    this.inflight.set(page, task);
    return task;
  }
}
