import { describe, expect, it } from 'vitest';
import type { BrandLogo } from '../../src/domain/branding.js';
import type { Store } from '../../src/store/store.js';
import { pngSquare, TINY_WEBP } from '../helpers/tiny-images.js';
import { iso, makeApp, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Per-app branding and logos (migration 12), run on every backend by defineStoreContract.

const logo = (bytes: Buffer, contentType: BrandLogo['contentType'], etag: string, at = T): BrandLogo => ({ contentType, bytes, etag, updatedAt: iso(at) });

export function defineBrandingContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (branding): ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });

    it('keeps, replaces and clears an app\'s name, accent and theme, apart from other apps', async () => {
      const a = await store.createApp(makeApp());
      const b = await store.createApp(makeApp());
      expect(await store.getAppBranding(a.id)).toBeNull();
      const first = { appId: a.id, productName: 'Globex', accent: '#ffd700', theme: 'light' as const, updatedAt: iso(T) };
      expect(await store.putAppBranding(first)).toEqual(first);
      expect(await store.getAppBranding(a.id)).toEqual(first);
      const second = { appId: a.id, productName: null, accent: null, theme: 'dark' as const, updatedAt: iso(T + 1) };
      await store.putAppBranding(second);
      expect(await store.getAppBranding(a.id)).toEqual(second);
      expect(await store.getAppBranding(b.id)).toBeNull();
      expect(await store.deleteAppBranding(a.id)).toBe(true);
      expect(await store.deleteAppBranding(a.id)).toBe(false);
      expect(await store.getAppBranding(a.id)).toBeNull();
    });

    it('stores a logo\'s exact bytes, describes it without them, replaces and deletes it; another process sees it', async () => {
      const app = await store.createApp(makeApp());
      expect(await store.getLogo(app.id)).toBeNull();
      expect(await store.getLogoInfo(app.id)).toBeNull();
      const png = pngSquare(16, [36, 87, 197]);
      await store.putLogo(app.id, logo(png, 'image/png', 'aaa'));
      expect(await store.getLogo(app.id)).toEqual(logo(png, 'image/png', 'aaa'));
      expect(await store.getLogoInfo(app.id)).toEqual({ contentType: 'image/png', size: png.length, etag: 'aaa', updatedAt: iso(T) });

      await store.putLogo(app.id, logo(TINY_WEBP, 'image/webp', 'bbb', T + 5));
      const other = await fx.openAnother();
      expect(await other.getLogo(app.id)).toEqual(logo(TINY_WEBP, 'image/webp', 'bbb', T + 5));

      expect(await store.deleteLogo(app.id)).toBe(true);
      expect(await store.deleteLogo(app.id)).toBe(false);
      expect(await other.getLogo(app.id)).toBeNull();
    });

    it('forgets the branding and logo of a deleted app', async () => {
      const app = await store.createApp(makeApp());
      await store.putAppBranding({ appId: app.id, productName: 'Gone', accent: null, theme: null, updatedAt: iso(T) });
      await store.putLogo(app.id, logo(pngSquare(2, [0, 0, 0]), 'image/png', 'ccc'));
      await store.deleteApp(app.id);
      expect(await store.getAppBranding(app.id)).toBeNull();
      expect(await store.getLogo(app.id)).toBeNull();
    });
  });
}
