import type { App } from '../../domain/model.js';
import { rowToApp, type Row } from '../rows.js';

/** Enough for every app of a large installation; beyond it the oldest entry goes. */
const MAX_APPS = 10_000;

/**
 * Apps read by id or uid, kept in memory. Every call with an `{appId}` resolves its app
 * (api/tenancy.ts), so a single-message publish paid one query for it: a tenth of the publish's
 * main-thread time (issue #21). A SQLite database is served by one process and every change to an
 * app goes through its store, which clears this before and after the change (SqliteStore).
 *
 * Rows are kept, not App objects: each read builds its own App, so a caller that changes the one it
 * got cannot change what the next caller reads. A name that matches no app is not kept, so unknown
 * names cannot fill the cache.
 */
export class AppRowCache {
  private readonly rows = new Map<string, Row>();

  read(idOrUid: string, query: () => Row | undefined): App | null {
    let row = this.rows.get(idOrUid);
    if (row === undefined) {
      row = query();
      if (row === undefined) return null;
      if (this.rows.size >= MAX_APPS) this.rows.delete(this.rows.keys().next().value!);
      this.rows.set(idOrUid, row);
    }
    return rowToApp(row);
  }

  clear(): void {
    this.rows.clear();
  }
}
