/*
 * Herald portal embed: <herald-portal src="PORTAL LINK URL" expires-at="ISO TIME"></herald-portal>
 * Served by Herald at /portal/embed.js (docs/embedding.md). Plain JavaScript, no dependencies.
 *
 * - Frames the portal link and sizes the frame to the portal's content: the portal posts its height.
 * - Messages are origin-checked both ways: this script listens only to its own frame's window on
 *   Herald's origin (the link's), and posts only to Herald's origin; the portal posts only to the
 *   host origin this script names, which Herald's CSP frame-ancestors has already allowed.
 * - Before the link expires, calls `element.getLink()` (the host's async function asking its own
 *   backend for a new portal link: `{url, expiresAt}` as Herald answers, or just the url) and hands
 *   the new token to the portal without a reload; if the portal does not take it, the frame reloads
 *   with the new link. Attribute `refresh-before` (seconds, default 60) says how long before expiry.
 * Events on the element: `herald-ready`, `herald-resize` (detail.height), `herald-refreshed`,
 * `herald-expired`, `herald-error` (detail.error).
 */
(() => {
  'use strict';
  if (typeof customElements === 'undefined' || customElements.get('herald-portal')) return;

  const ACCEPT_WAIT_MS = 5000;
  const RETRY_MS = 10000;

  class HeraldPortal extends HTMLElement {
    static get observedAttributes() { return ['src', 'link', 'expires-at']; }

    constructor() {
      super();
      this._getLink = null;
      this._frame = null;
      this._url = null;
      this._origin = null;
      this._expiresAt = null;
      this._timer = null;
      this._acceptTimer = null;
      this._onMessage = this._onMessage.bind(this);
    }

    /** The host's `async () => ({url, expiresAt})` for a fresh link. */
    get getLink() { return this._getLink; }
    set getLink(fn) {
      this._getLink = typeof fn === 'function' ? fn : null;
      if (this.isConnected && !this._url && this._getLink) this._refresh();
      else this._schedule();
    }

    connectedCallback() {
      // A getLink set before this script ran sits on the element itself, hiding the setter.
      if (Object.prototype.hasOwnProperty.call(this, 'getLink')) {
        const fn = this.getLink;
        delete this.getLink;
        this._getLink = typeof fn === 'function' ? fn : null;
      }
      window.addEventListener('message', this._onMessage);
      const src = this.getAttribute('src') || this.getAttribute('link');
      // On upgrade, attributeChangedCallback has already loaded `src`: don't load it twice.
      if (src) { if (src !== this._url) this._load(src, this.getAttribute('expires-at')); }
      else if (this._getLink && !this._url) this._refresh();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._onMessage);
      clearTimeout(this._timer);
      clearTimeout(this._acceptTimer);
    }

    attributeChangedCallback(name, before, after) {
      if (!this.isConnected || before === after) return;
      if (name === 'expires-at') { this._expiresAt = parseTime(after); this._schedule(); return; }
      if (after && after !== this._url) this._load(after, this.getAttribute('expires-at'));
    }

    _load(url, expiresAt) {
      let parsed;
      try { parsed = new URL(url, location.href); } catch (error) { return this._fail(new Error(`not a portal link: ${url}`)); }
      this._url = url;
      this._origin = parsed.origin;
      this._expiresAt = parseTime(expiresAt);
      if (!this._frame) {
        this._frame = document.createElement('iframe');
        this._frame.title = this.getAttribute('title') || 'Webhooks';
        this._frame.setAttribute('allow', 'clipboard-write');
        this._frame.style.cssText = 'display:block;width:100%;border:0;';
        this._frame.style.height = `${Number(this.getAttribute('height')) || 480}px`;
        this.appendChild(this._frame);
      }
      // The portal learns whom to post to from the fragment (never sent to a server).
      const hash = parsed.hash ? `${parsed.hash}&parent=${encodeURIComponent(location.origin)}` : '';
      this._frame.src = `${parsed.origin}${parsed.pathname}${parsed.search}${hash}`;
      this._schedule();
    }

    _onMessage(event) {
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== this._origin) return;
      const data = event.data;
      if (!data || typeof data !== 'object' || typeof data.herald !== 'string') return;
      if (data.herald === 'height' && Number.isFinite(data.height) && data.height >= 0) {
        this._frame.style.height = `${Math.ceil(data.height)}px`;
        this._emit('herald-resize', { height: Math.ceil(data.height) });
      } else if (data.herald === 'ready') {
        this._emit('herald-ready', {});
      } else if (data.herald === 'link-accepted') {
        clearTimeout(this._acceptTimer);
        this._emit('herald-refreshed', { expiresAt: this._expiresAt && new Date(this._expiresAt).toISOString() });
      } else if (data.herald === 'link-refused') {
        clearTimeout(this._acceptTimer);
        this._load(this._url, this._expiresAt && new Date(this._expiresAt).toISOString());
      } else if (data.herald === 'expired') {
        this._emit('herald-expired', {});
        // One new link per expiry, even if the portal reports it more than once.
        if (this._getLink && !this._refreshing) this._refresh();
      }
    }

    _schedule() {
      clearTimeout(this._timer);
      if (!this._getLink || !this._expiresAt || !this.isConnected) return;
      const before = (Number(this.getAttribute('refresh-before')) || 60) * 1000;
      this._timer = setTimeout(() => this._refresh(), Math.max(0, this._expiresAt - Date.now() - before));
    }

    async _refresh() {
      this._refreshing = true;
      try {
        await this._refreshOnce();
      } finally {
        this._refreshing = false;
      }
    }

    async _refreshOnce() {
      clearTimeout(this._timer);
      let next;
      try {
        next = await this._getLink();
        if (typeof next === 'string') next = { url: next, expiresAt: null };
        if (!next || typeof next.url !== 'string') throw new Error('getLink() gave no link');
      } catch (error) {
        this._fail(error);
        // Ask again later while the current link still works.
        if (!this._expiresAt || this._expiresAt > Date.now()) this._timer = setTimeout(() => this._refresh(), RETRY_MS);
        return;
      }
      let origin;
      try { origin = new URL(next.url, location.href).origin; } catch (error) { return this._fail(error); }
      if (!this._frame || origin !== this._origin) return this._load(next.url, next.expiresAt);
      // Hand the new token to the running portal; reload with the new link if it does not take it.
      this._url = next.url;
      this._expiresAt = parseTime(next.expiresAt);
      this._frame.contentWindow.postMessage({ herald: 'link', url: next.url }, this._origin);
      clearTimeout(this._acceptTimer);
      this._acceptTimer = setTimeout(() => this._load(next.url, next.expiresAt), ACCEPT_WAIT_MS);
      this._schedule();
    }

    _fail(error) {
      this._emit('herald-error', { error });
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }
  }

  function parseTime(value) {
    const t = value ? Date.parse(value) : NaN;
    return Number.isFinite(t) ? t : null;
  }

  customElements.define('herald-portal', HeraldPortal);
})();
