// Who is signed in, kept per browser tab (sessionStorage): closing the tab signs out, and the
// token never lands in localStorage where every later visitor of the machine would find it.

export type Session =
  | { kind: 'admin'; token: string }
  /** A tenant who opened a portal link: one app, that app's token, no admin features. */
  | { kind: 'portal'; token: string; appId: string };

const KEY = 'herald.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    return parsed && typeof parsed.token === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
