import type { AppBranding, BrandLogo, BrandLogoInfo, BrandTheme, LogoType } from '../../domain/branding.js';
import type { Row } from '../rows.js';
import type { SqlRunner } from '../sql-runner.js';

// Per-app branding (migration 12): name, accent and theme in app_branding; the logo's bytes in
// app_logos, read only by the route that serves the image. Both rows go with their app (ON DELETE
// CASCADE). Upserts are one statement, the same on SQLite and PostgreSQL.

const toBranding = (r: Row): AppBranding => ({
  appId: r.app_id, productName: r.product_name, accent: r.accent, theme: r.theme as BrandTheme | null, updatedAt: r.updated_at,
});

export class BrandingRecords {
  constructor(private readonly sql: SqlRunner) {}

  async getAppBranding(appId: string): Promise<AppBranding | null> {
    const [row] = await this.sql.rows('SELECT * FROM app_branding WHERE app_id = $1', [appId]);
    return row ? toBranding(row) : null;
  }

  async putAppBranding(b: AppBranding): Promise<AppBranding> {
    await this.sql.run(
      `INSERT INTO app_branding (app_id, product_name, accent, theme, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (app_id) DO UPDATE SET product_name = excluded.product_name, accent = excluded.accent,
         theme = excluded.theme, updated_at = excluded.updated_at`,
      [b.appId, b.productName, b.accent, b.theme, b.updatedAt],
    );
    return b;
  }

  async deleteAppBranding(appId: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM app_branding WHERE app_id = $1', [appId])) > 0;
  }

  async getLogoInfo(appId: string): Promise<BrandLogoInfo | null> {
    const [row] = await this.sql.rows('SELECT content_type, size, etag, updated_at FROM app_logos WHERE app_id = $1', [appId]);
    if (!row) return null;
    return { contentType: row.content_type as LogoType, size: Number(row.size), etag: row.etag, updatedAt: row.updated_at };
  }

  async getLogo(appId: string): Promise<BrandLogo | null> {
    const [row] = await this.sql.rows('SELECT content_type, bytes, etag, updated_at FROM app_logos WHERE app_id = $1', [appId]);
    if (!row) return null;
    return { contentType: row.content_type as LogoType, bytes: Buffer.from(row.bytes as Uint8Array), etag: row.etag, updatedAt: row.updated_at };
  }

  async putLogo(appId: string, logo: BrandLogo): Promise<void> {
    await this.sql.run(
      `INSERT INTO app_logos (app_id, content_type, size, bytes, etag, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (app_id) DO UPDATE SET content_type = excluded.content_type, size = excluded.size, bytes = excluded.bytes,
         etag = excluded.etag, updated_at = excluded.updated_at`,
      [appId, logo.contentType, logo.bytes.length, logo.bytes, logo.etag, logo.updatedAt],
    );
  }

  async deleteLogo(appId: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM app_logos WHERE app_id = $1', [appId])) > 0;
  }
}
