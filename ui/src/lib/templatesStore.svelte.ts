// The quick replies offered for each listing, fetched once per listing while the inbox is shown
// (the open question's composer and the palette share them) and fetched again after a use
// changes their order. The quick replies screen edits them; the inbox is mounted afresh after.
import type { Backend } from './ipc/backend';
import type { ReplyTemplate } from './ipc/bindings/ReplyTemplate';

export class TemplatesStore {
  private readonly cache = new Map<string, Promise<ReplyTemplate[]>>();

  constructor(private readonly backend: Backend) {}

  /** The question quick replies offered for `itemId` (global ones and the listing's), most used first. */
  forListing(itemId: string): Promise<ReplyTemplate[]> {
    return this.cached(itemId, () => this.backend.templatesList(itemId, 'question'));
  }

  /** The post-sale quick replies, most used first. */
  postSale(): Promise<ReplyTemplate[]> {
    return this.cached(' post_sale', () => this.backend.templatesList(undefined, 'post_sale'));
  }

  private cached(key: string, fetch: () => Promise<ReplyTemplate[]>): Promise<ReplyTemplate[]> {
    let list = this.cache.get(key);
    if (!list) {
      list = fetch();
      // A failed fetch is not kept: the next question asks again.
      list.catch(() => this.cache.delete(key));
      this.cache.set(key, list);
    }
    return list;
  }

  /** Counts a use (the order changes): every listing's list is fetched again when next asked. */
  async used(id: number): Promise<void> {
    await this.backend.templateUsed(id);
    this.cache.clear();
  }
}
