// The quick replies offered for each listing, fetched once per listing while the inbox is shown
// (the open question's composer and the palette share them) and fetched again after a use
// changes their order. The quick replies screen edits them; the inbox is mounted afresh after.
import type { Backend } from './ipc/backend';
import type { ReplyTemplate } from './ipc/bindings/ReplyTemplate';

export class TemplatesStore {
  private readonly cache = new Map<string, Promise<ReplyTemplate[]>>();

  constructor(private readonly backend: Backend) {}

  /** The quick replies offered for `itemId` (global ones and the listing's), most used first. */
  forListing(itemId: string): Promise<ReplyTemplate[]> {
    let list = this.cache.get(itemId);
    if (!list) {
      list = this.backend.templatesList(itemId);
      // A failed fetch is not kept: the next question asks again.
      list.catch(() => this.cache.delete(itemId));
      this.cache.set(itemId, list);
    }
    return list;
  }

  /** Counts a use (the order changes): every listing's list is fetched again when next asked. */
  async used(id: number): Promise<void> {
    await this.backend.templateUsed(id);
    this.cache.clear();
  }
}
