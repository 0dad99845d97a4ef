// The chatbox's offline form (issue 13, item 5): when the visitor asked for a human outside
// the bot's office hours, or when nobody was on duty, the server says so with an
// `offline_offered` event; while no `offline_sent` came after it, a form (email, message)
// stands above the message field. Sent as an `offline_message` frame, acknowledged like a
// message; the visitor's text and the "sent" event then arrive as messages.
import { h } from '../shared/dom.js';
import { clientId } from '../shared/socket.js';

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+\.[a-z]{2,}$/i;
const MAX_CHARS = 1000;
// The server's codes for each field (docs/protocol.md, `offline_message`).
const EMAIL_CODES = new Set(['email_invalid', 'required', 'too_long']);
const TEXT_CODES = new Set(['message_empty', 'message_too_long']);

/**
 * - `el`: where the form goes (the footer, above the message field);
 * - `res(key)`: the configured texts; `send(frame)`: sends a frame (false when offline).
 */
export function createOfflineForm({ el, res, send }) {
  let form = null;
  let pendingId = null;
  let offeredSeq = null; // the offer the form answers

  const $ = (sel) => form && form.querySelector(sel);
  function status(text, error) {
    const s = $('.vg-offline-status');
    if (!s) return;
    s.textContent = text;
    s.classList.toggle('vg-error', !!error);
  }
  function invalid(input, key) {
    input.setAttribute('aria-invalid', 'true');
    status(res(key), true);
    input.focus();
  }

  function build() {
    const email = h('input', { type: 'email', id: 'vg-offline-email', class: 'vg-offline-email', autocomplete: 'email',
      inputmode: 'email', required: true, 'aria-describedby': 'vg-offline-status' });
    const text = h('textarea', { id: 'vg-offline-text', class: 'vg-offline-text', rows: 2, maxlength: MAX_CHARS,
      required: true, 'aria-describedby': 'vg-offline-status' });
    return h('form', { class: 'vg-offline', id: 'vg-offline', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      for (const i of [email, text]) i.removeAttribute('aria-invalid');
      const address = email.value.trim();
      const message = text.value.trim();
      if (!EMAIL.test(address)) return invalid(email, 'offline_invalid_email');
      if (!message) return invalid(text, 'offline_empty');
      pendingId = clientId();
      const sent = send({ type: 'offline_message', client_id: pendingId, email: address, text: message });
      if (!sent) { pendingId = null; status(res('offline_failed'), true); return; }
      for (const c of form.querySelectorAll('input, textarea, button')) c.disabled = true;
      status('', false);
    } },
    h('label', { for: 'vg-offline-email', class: 'vg-offline-label' }, res('offline_email_label')),
    email,
    h('label', { for: 'vg-offline-text', class: 'vg-offline-label' }, res('offline_message_label')),
    text,
    h('button', { type: 'submit', class: 'vg-offline-send', id: 'vg-offline-send' }, res('offline_send')),
    h('p', { class: 'vg-offline-status', id: 'vg-offline-status', role: 'status' }));
  }

  function close() {
    if (form) form.remove();
    form = null;
    pendingId = null;
  }

  return {
    /**
     * The messages shown changed: the form stands while the latest `offline_offered` has
     * no `offline_sent` (nor an operator who joined) after it.
     */
    update(messages) {
      let offer = null;
      for (const m of messages) {
        if (m.kind === 'event' && m.event === 'offline_offered' && (offer === null || m.seq > offer)) offer = m.seq;
      }
      const answered = offer !== null && messages.some((m) => m.seq > offer && m.kind === 'event'
        && (m.event === 'offline_sent' || m.event === 'operator_joined'));
      const show = offer !== null && !answered;
      if (!show) { close(); offeredSeq = null; return; }
      if (form && offeredSeq === offer) return;
      close();
      offeredSeq = offer;
      form = build();
      el.append(form);
    },
    /** The texts changed (language, configuration): the form is drawn again, keeping what was typed. */
    relabel() {
      if (!form) return;
      const [email, text] = [$('#vg-offline-email').value, $('#vg-offline-text').value];
      const fresh = build();
      form.replaceWith(fresh);
      form = fresh;
      $('#vg-offline-email').value = email;
      $('#vg-offline-text').value = text;
    },
    /** `ack`: true when it answers this form's message (the form closes when the "sent" event arrives). */
    acked(f) {
      if (!form || !f.client_id || f.client_id !== pendingId) return false;
      pendingId = null;
      return true;
    },
    /** An `error` frame: true when it answers this form's message. */
    refused(f) {
      if (!form || !f.client_id || f.client_id !== pendingId) return false;
      pendingId = null;
      for (const c of form.querySelectorAll('input, textarea, button')) c.disabled = false;
      if (EMAIL_CODES.has(f.code)) invalid($('#vg-offline-email'), 'offline_invalid_email');
      else if (TEXT_CODES.has(f.code)) invalid($('#vg-offline-text'), 'offline_empty');
      else status(res('offline_failed'), true);
      return true;
    },
  };
}
