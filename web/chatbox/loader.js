/* Vigie loader: a launcher that opens the chatbox in an iframe. */
(function () {
  'use strict';
  var me = document.currentScript, src = me && me.src && new URL(me.src, location.href);
  var m = src && /^\/c\/([^/]+)\/loader\.js$/.exec(src.pathname);
  if (!m || window['__vigie_' + m[1]]) return;
  window['__vigie_' + m[1]] = 1;
  var origin = src.origin, bot = m[1], d = document;
  var lang = (me.getAttribute('data-lang') || d.documentElement.lang || navigator.language || '').slice(0, 2).toLowerCase();
  if (lang !== 'fr' && lang !== 'en') lang = '';
  var en = lang == 'en', L = { launcher: en ? 'Open the assistant' : "Ouvrir l'assistant", close: en ? 'Close' : 'Fermer', new_message: en ? 'New message' : 'Nouveau message', title: 'Vigie' };
  // vigie_mc: link to a monitored conversation, passed on to the chatbox.
  var mc = new URLSearchParams(location.search).get('vigie_mc');
  var small = matchMedia('(max-width: 480px)'), isOpen = false, unread = 0, frame, btn, badge;
  // The pages of this tab the loader saw (the operator's visitor record), and whether the
  // chatbox was open: it stays open from page to page.
  var pagesKey = 'vigie_pages_' + bot, openKey = 'vigie_open_' + bot, pages = [];
  function keep(k, v) { try { sessionStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* storage off */ } }
  function kept(k) { try { return JSON.parse(sessionStorage.getItem(k) || 'null'); } catch (e) { return null; } }
  function here() {
    var u = new URL(location.href);
    u.searchParams.delete('vigie_mc'); // the link is a credential: it never leaves this page
    return { url: u.href, title: d.title.slice(0, 200), at: Date.now() };
  }
  function saw() {
    var p = here(), last = pages[pages.length - 1];
    if (last && last.url === p.url) return null;
    pages.push(p);
    if (pages.length > 30) pages.splice(0, pages.length - 30);
    keep(pagesKey, pages);
    return p;
  }
  pages = kept(pagesKey) || [];
  saw();
  // Where the visitor came from: the first page's referrer, when another site.
  var ref = kept('vigie_ref_' + bot);
  if (ref === null) {
    try { ref = d.referrer && new URL(d.referrer).origin !== location.origin ? d.referrer : ''; } catch (e) { ref = ''; }
    keep('vigie_ref_' + bot, ref);
  }
  // window.VigieSettings = {user: {id, email, name}, user_hash, attributes}: who the
  // embedding site says the visitor is (checked by Vigie with the hash).
  function context() {
    var s = window.VigieSettings || {}, tz = '';
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* old browser */ }
    return {
      page: pages[pages.length - 1], pages: pages.slice(0, -1), referrer: ref || null,
      time_zone: tz || null, languages: (navigator.languages || [navigator.language]).slice(0, 8),
      attributes: s.attributes && typeof s.attributes === 'object' ? s.attributes : {},
      user: s.user && s.user.id != null ? { id: String(s.user.id), email: s.user.email || null, name: s.user.name || null } : null,
      user_hash: s.user_hash || null
    };
  }
  // A single-page site's navigation: reported while the chatbox runs.
  function moved() { var p = saw(); if (p) post({ type: 'vigie:page', page: p }); }
  ['pushState', 'replaceState'].forEach(function (m) {
    var orig = history[m];
    history[m] = function () { var r = orig.apply(this, arguments); setTimeout(moved, 0); return r; };
  });
  addEventListener('popstate', moved);
  addEventListener('hashchange', moved);

  function css(el, r) {
    el.style.setProperty('all', 'initial', 'important');
    for (var k in r) el.style.setProperty(k, r[k], 'important');
  }
  function at(el, a) { for (var k in a) el.setAttribute(k, a[k]); }
  function post(msg) { frame && frame.contentWindow.postMessage(msg, origin); }

  function place() {
    var s = small.matches;
    if (frame) css(frame, {
      position: 'fixed', 'z-index': '2147483001', border: '0', background: '#f4f6fb', display: isOpen ? 'block' : 'none',
      right: s ? '0' : '20px', bottom: s ? '0' : '92px', width: s ? '100%' : '380px',
      height: s ? '100%' : 'min(640px, calc(100% - 112px))', 'border-radius': s ? '0' : '16px',
      'box-shadow': '0 12px 48px rgba(20,30,70,.28)'
    });
    btn.style.setProperty('display', isOpen && s ? 'none' : 'flex', 'important');
  }

  function label() {
    var t = isOpen ? L.close : L.launcher + (unread ? ' (' + unread + ' \u2013 ' + L.new_message + ')' : '');
    at(btn, { 'aria-label': t, title: t, 'aria-expanded': String(isOpen) });
    badge.textContent = unread > 9 ? '9+' : unread;
    badge.style.setProperty('display', unread > 0 && !isOpen ? 'block' : 'none', 'important');
  }

  function toggle(open) {
    isOpen = open;
    if (open && !frame) {
      frame = d.createElement('iframe');
      frame.id = 'vigie-chatbox-' + bot;
      frame.title = L.title;
      frame.src = origin + '/c/' + bot + '/?embed=1' + (lang ? '&lang=' + lang : '') + (mc ? '&vigie_mc=' + encodeURIComponent(mc) : '');
      frame.addEventListener('load', function () { post({ type: 'vigie:hello', context: context() }); });
      d.body.appendChild(frame);
      btn.setAttribute('aria-controls', frame.id);
    }
    place();
    keep(openKey, open);
    if (open) { unread = 0; frame.focus(); }
    post({ type: open ? 'vigie:open' : 'vigie:closed' });
    label();
  }

  // Only our iframe, from Vigie's origin, is heard.
  addEventListener('message', function (e) {
    var x = e.data;
    if (!frame || e.origin !== origin || e.source !== frame.contentWindow || !x) return;
    if (/^vigie:(ready|labels)$/.test(x.type)) {
      for (var k in L) if (x.labels && typeof x.labels[k] === 'string' && x.labels[k]) L[k] = x.labels[k];
      frame.title = L.title;
      if (x.type === 'vigie:ready' && isOpen) post({ type: 'vigie:open' });
    } else if (x.type === 'vigie:unread') {
      unread = isOpen ? 0 : Math.max(0, x.count | 0);
    } else if (x.type === 'vigie:close') {
      toggle(false);
      btn.focus();
    }
    label();
  });

  function init() {
    var NS = 'http://www.w3.org/2000/svg', svg = d.createElementNS(NS, 'svg'), p = d.createElementNS(NS, 'path');
    btn = d.createElement('button');
    btn.type = 'button';
    btn.id = 'vigie-launcher-' + bot;
    css(btn, {
      position: 'fixed', 'z-index': '2147483000', right: '20px', bottom: '20px', width: '60px', height: '60px',
      'border-radius': '50%', background: '#2346c9', color: '#fff', cursor: 'pointer', display: 'flex',
      'align-items': 'center', 'justify-content': 'center', 'box-shadow': '0 6px 24px rgba(20,30,70,.3)',
      outline: 'revert', 'outline-offset': '3px' // the browser's focus ring, whatever the host's CSS
    });
    at(svg, { viewBox: '0 0 24 24', width: '28', 'aria-hidden': 'true' });
    at(p, { fill: 'currentColor', d: 'M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.5 3.4 6L4.5 21l4.3-2.3c1 .3 2.1.4 3.2.4 5.5 0 10-3.6 10-8s-4.5-8-10-8Z' });
    svg.appendChild(p);
    badge = d.createElement('span');
    badge.setAttribute('aria-hidden', 'true');
    css(badge, {
      position: 'absolute', top: '-2px', right: '-2px', 'min-width': '10px', padding: '0 5px',
      'border-radius': '10px', background: '#d93025', color: '#fff',
      font: '700 12px/20px system-ui,sans-serif', 'text-align': 'center'
    });
    btn.appendChild(svg);
    btn.appendChild(badge);
    btn.addEventListener('click', function () { toggle(!isOpen); });
    d.body.appendChild(btn);
    small.addEventListener('change', place);
    label();
    place();
    if (mc || kept(openKey)) toggle(true);
  }

  if (d.body) init();
  else d.addEventListener('DOMContentLoaded', init);
})();
