import type { Attempt, Message } from '../../domain/model.js';
import { toPage } from '../paginate.js';
import { rowToAttempt, rowToMessage } from '../rows.js';
import type { SqlRunner } from '../sql-runner.js';
import type { AttemptQuery, MessageQuery, Page } from '../store.js';

// What the API and the dashboard read back: messages and attempts. Not on the delivery path.

export class CatalogueReads {
  constructor(private readonly sql: SqlRunner) {}

  async getMessage(appId: string, msgId: string): Promise<Message | null> {
    const [row] = await this.sql.rows('SELECT * FROM messages WHERE app_id = $1 AND id = $2', [appId, msgId]);
    return row ? rowToMessage(row) : null;
  }

  async listMessages(appId: string, query: MessageQuery): Promise<Page<Message>> {
    const rows = await this.sql.rows(
      `SELECT * FROM messages WHERE app_id = $1 AND ($2::text IS NULL OR id < $2)
         AND ($3::text IS NULL OR event_type = $3)
       ORDER BY id DESC LIMIT $4`,
      [appId, query.iterator ?? null, query.eventType ?? null, query.limit + 1],
    );
    return toPage(rows.map((r) => rowToMessage(r)), query.limit);
  }

  async listAttempts(column: 'msg_id' | 'endpoint_id', appId: string, value: string, q: AttemptQuery): Promise<Page<Attempt>> {
    const rows = await this.sql.rows(
      `SELECT * FROM attempts WHERE ${column} = $1 AND app_id = $2
         AND ($3::text IS NULL OR id < $3) AND ($4::text IS NULL OR status = $4)
       ORDER BY id DESC LIMIT $5`,
      [value, appId, q.iterator ?? null, q.status ?? null, q.limit + 1],
    );
    return toPage(rows.map(rowToAttempt), q.limit);
  }
}
