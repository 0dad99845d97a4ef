// The chatbox's transcript module (issue 12, item 5): at the end of a livechat (an operator
// left and the conversation is back with the bot), the visitor may ask for the transcript by
// mail. The address is asked unless Vigie knows it (a monitored conversation); the server
// checks it and answers `transcript_sent` or an `error` with the frame's client_id.
import { h } from '../shared/dom.js';
import { clientId } from '../shared/socket.js';

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+\.[a-z]{2,}$/i;

/**
 * - `el`: where the panel goes (the footer's actions);
 * - `res(key)`: the configured texts; `send(frame)`: sends a frame (false when offline);
 * - `knowsEmail()`: the visitor's address is known to the server (monitored conversation).
 */
export function createTranscriptOffer({ el, res, send, knowsEmail }) {
  let panel = null;
  let pendingId = null;
  let doneFor = null; // the conversation whose transcript was sent (the panel stays closed)

  function status(text, error) {
    const s = panel && panel.querySelector('.vg-transcript-status');
    if (!s) return;
    s.textContent = text;
    s.classList.toggle('vg-error', !!error);
  }

  function build() {
    const input = knowsEmail() ? null : h('input', { type: 'email', id: 'vg-transcript-email', class: 'vg-transcript-email',
      autocomplete: 'email', inputmode: 'email', 'aria-describedby': 'vg-transcript-status' });
    const form = h('form', { class: 'vg-transcript', id: 'vg-transcript', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const email = input ? input.value.trim() : null;
      if (input && !EMAIL.test(email)) {
        input.setAttribute('aria-invalid', 'true');
        status(res('transcript_invalid_email'), true);
        input.focus();
        return;
      }
      if (input) input.removeAttribute('aria-invalid');
      pendingId = clientId();
      const frame = { type: 'transcript', client_id: pendingId };
      if (email) frame.email = email;
      if (!send(frame)) { pendingId = null; status(res('transcript_failed'), true); }
    } },
    h('p', { class: 'vg-transcript-offer', id: 'vg-transcript-offer' }, res('transcript_offer')),
    input ? h('label', { for: 'vg-transcript-email', class: 'vg-transcript-label' }, res('transcript_email_label')) : null,
    input,
    h('button', { type: 'submit', class: 'vg-transcript-send', id: 'vg-transcript-send' }, res('transcript_send')),
    h('p', { class: 'vg-transcript-status', id: 'vg-transcript-status', role: 'status' }));
    return form;
  }

  return {
    /** Shows or hides the offer: `on` (module on, the livechat ended) for `conversation`. */
    update(on, conversation) {
      const show = on && conversation && doneFor !== conversation;
      if (show && !panel) {
        panel = build();
        el.append(panel);
      } else if (!show && panel && !panel.dataset.sent) {
        panel.remove();
        panel = null;
      }
    },
    /** The texts changed (language, configuration). */
    relabel() {
      if (!panel || panel.dataset.sent) return;
      const sent = panel.dataset.sent;
      panel.replaceWith((panel = build()));
      if (sent) panel.dataset.sent = sent;
    },
    /** `transcript_sent`: true when it answers this panel's request. */
    sent(f, conversation) {
      if (!panel || f.client_id !== pendingId) return false;
      pendingId = null;
      doneFor = conversation;
      panel.dataset.sent = '1';
      for (const c of panel.querySelectorAll('input, button, label, .vg-transcript-offer')) c.remove();
      status(res('transcript_sent').replace('{email}', f.email || ''), false);
      return true;
    },
    /** An `error` frame: true when it answers this panel's request. */
    refused(f) {
      if (!panel || !f.client_id || f.client_id !== pendingId) return false;
      pendingId = null;
      if (f.code === 'email_invalid' || f.code === 'required') {
        const input = panel.querySelector('input');
        if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
        status(res('transcript_invalid_email'), true);
      } else {
        status(res('transcript_failed'), true);
      }
      return true;
    },
  };
}
