import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import { useAction, useApi, useLoad } from '../hooks';
import type { Branding } from '../ui/branding';
import { controlProps, Field } from '../ui/field';
import { ErrorNote, StatusNote } from '../ui/notes';

/** GET /api/v1/apps/{appId}/branding: what the portal applies, and what the app sets itself. */
interface AppBranding extends Branding {
  own: {
    productName: string | null;
    accent: string | null;
    theme: 'light' | 'dark' | 'auto' | null;
    logo: { contentType: string; size: number; updatedAt: string } | null;
  };
}

const ACCENT = /^#[0-9a-fA-F]{6}$/;

/**
 * Admin only: how this app's portal looks (docs/branding.md). Empty fields use the server's
 * defaults. The admin dashboard itself keeps Herald's look; "Open" on a portal link shows the result.
 */
export function BrandingPanel({ appId }: { appId: string }) {
  const api = useApi();
  const [current, setCurrent] = useState<AppBranding | null>(null);
  const [name, setName] = useState('');
  const [accent, setAccent] = useState('');
  const [theme, setTheme] = useState('');
  // The fields are read-only while the saved branding loads, and are filled inside the load itself,
  // before they become editable: filled from an effect (run after paint), they replaced what had
  // been typed in between (the race that failed the allowed-origins box in CI).
  const loaded = useLoad(async () => {
    const branding = await api.get<AppBranding>(`/apps/${seg(appId)}/branding`);
    setName(branding.own.productName ?? '');
    setAccent(branding.own.accent ?? '');
    setTheme(branding.own.theme ?? '');
    return branding;
  }, [appId]);
  const shown = current ?? loaded.data ?? null;

  const accentError = accent && !ACCENT.test(accent) ? 'Write the colour as # and six hex digits, e.g. #2457c5' : null;
  const save = useAction(async () => {
    setCurrent(await api.put<AppBranding>(`/apps/${seg(appId)}/branding`, {
      productName: name.trim() || null, accent: accent || null, theme: theme || null,
    }));
  });
  const upload = useAction(async (file: File) => {
    setCurrent(await api.put<AppBranding>(`/apps/${seg(appId)}/branding/logo`, file));
  });
  const removeLogo = useAction(async () => {
    await api.delete(`/apps/${seg(appId)}/branding/logo`);
    setCurrent(await api.get<AppBranding>(`/apps/${seg(appId)}/branding`));
  });

  return (
    <section class="card" aria-labelledby="branding-title">
      <h2 id="branding-title">Portal branding</h2>
      <p class="muted">What this customer's portal shows. Leave a field empty to use the server's default.</p>
      <ErrorNote error={loaded.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!accentError) void save.run();
        }}
      >
        <div class="row align-end">
          <Field id="brand-name" label="Product name">
            <input {...controlProps('brand-name')} value={name} maxLength={80} readOnly={loaded.loading} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field id="brand-accent" label="Accent colour" error={accentError} hint="#rrggbb; text on it is white, or black where white would be hard to read">
            <div class="row">
              <input {...controlProps('brand-accent', accentError, true)} class="mono brand-hex" value={accent} placeholder="#2457c5" readOnly={loaded.loading} onInput={(e) => setAccent(e.currentTarget.value.trim())} />
              <input type="color" class="brand-picker" aria-label="Pick the accent colour" value={ACCENT.test(accent) ? accent : '#2457c5'} onInput={(e) => setAccent(e.currentTarget.value)} />
            </div>
          </Field>
          <Field id="brand-theme" label="Theme">
            <select {...controlProps('brand-theme')} value={theme} disabled={loaded.loading} onChange={(e) => setTheme(e.currentTarget.value)}>
              <option value="">Server default</option>
              <option value="auto">Auto (the customer's browser)</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </Field>
          <button type="submit" disabled={save.busy || Boolean(accentError)}>
            Save branding
          </button>
        </div>
      </form>
      <ErrorNote error={save.error} />
      {save.succeeded && <StatusNote>Branding saved.</StatusNote>}
      {shown?.accent && shown.accentText && (
        <p class="small">
          Buttons will look like{' '}
          <span class="brand-swatch" style={{ background: shown.accent, color: shown.accentText }}>
            Add endpoint
          </span>
        </p>
      )}
      <Field id="brand-logo" label="Logo" hint="PNG, JPEG or WebP, at most 64 KiB; shown in the portal's header">
        <div class="row align-end">
          {shown?.logoUrl && <img class="brand-logo" src={shown.logoUrl} alt="Current logo" />}
          <input
            {...controlProps('brand-logo', null, true)}
            class="brand-file"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void upload.run(file);
              e.currentTarget.value = '';
            }}
          />
          {shown?.own.logo && (
            <button type="button" class="danger" onClick={() => void removeLogo.run()} disabled={removeLogo.busy}>
              Remove logo
            </button>
          )}
        </div>
      </Field>
      <ErrorNote error={upload.error ?? removeLogo.error} />
    </section>
  );
}
