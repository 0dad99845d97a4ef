// The chatbox's feedback modules (issue 14, item 4), both off by default:
// - `answer_feedback`: "Was this answer helpful? 👍/👎" under the bot's knowledge answers
//   (frame `feedback`, answered `feedback_saved`; a second click replaces the rating). A 👎
//   offers the livechat (the usual hand-over) or to rephrase the question.
// - `satisfaction`: at the end of a livechat, a score from 1 to 5 and an optional comment
//   (frame `satisfaction` with the seq of the `operator_left` event, answered
//   `satisfaction_saved`; once per livechat).
// What was rated is kept with the conversation's state (localStorage), so a reload shows it.
import { h } from '../shared/dom.js';
import { clientId } from '../shared/socket.js';

const MAX_COMMENT = 1000;

// A thumb drawn in SVG (no emoji font needed): up, or turned down.
const THUMB = 'M2 21h4V9H2v12zm20-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L13.17 1 6.59 7.59C6.22 7.95 6 8.45 6 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
function thumb(down) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (down) svg.setAttribute('transform', 'rotate(180)');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', THUMB);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

/**
 * - `res(key)`: the configured texts; `on()`: the module is on; `send(frame)`: false offline;
 * - `load()` / `save(ratings)`: the ratings kept (seq → true/false);
 * - `canHandoff()`: the livechat may be offered now; `handoff()`, `rephrase()`: a 👎's offers.
 */
export function createAnswerFeedback({ res, on, send, load, save, canHandoff, handoff, rephrase }) {
  const pending = new Map(); // client_id → {seq, helpful}
  const nodes = new Map(); // seq → the row under the answer

  function rated(seq) {
    const r = load() || {};
    return Object.prototype.hasOwnProperty.call(r, seq) ? r[seq] : null;
  }

  function after(row, seq, helpful, justNow) {
    const note = row.querySelector('.vg-feedback-note');
    note.replaceChildren();
    for (const b of row.querySelectorAll('.vg-feedback-btn')) {
      b.setAttribute('aria-pressed', helpful !== null && b.dataset.helpful === String(helpful) ? 'true' : 'false');
    }
    if (helpful === null) return;
    if (helpful) {
      note.textContent = res('feedback_thanks');
      return;
    }
    note.append(h('span', { class: 'vg-feedback-sorry', text: res('feedback_sorry') }));
    const offers = h('span', { class: 'vg-feedback-offers' });
    if (canHandoff()) {
      offers.append(h('button', { type: 'button', class: 'vg-feedback-handoff', text: res('talk_to_operator'), onclick: () => handoff() }));
    }
    offers.append(h('button', { type: 'button', class: 'vg-feedback-rephrase', text: res('feedback_rephrase'), onclick: () => rephrase() }));
    note.append(offers);
    if (justNow) row.scrollIntoView({ block: 'nearest' });
  }

  function rate(seq, helpful) {
    const client_id = clientId();
    pending.set(client_id, { seq, helpful });
    if (!send({ type: 'feedback', client_id, seq, helpful })) {
      pending.delete(client_id);
      const row = nodes.get(seq);
      if (row) row.querySelector('.vg-feedback-note').textContent = res('error_generic');
    }
  }

  function build(seq) {
    const label = res('feedback_question');
    const row = h('div', { class: 'vg-feedback', role: 'group', 'aria-label': label, 'data-feedback-seq': seq },
      h('span', { class: 'vg-feedback-question', text: label }),
      h('button', { type: 'button', class: 'vg-feedback-btn vg-feedback-yes', 'data-helpful': 'true', 'aria-label': res('feedback_yes'),
        title: res('feedback_yes'), 'aria-pressed': 'false', onclick: () => rate(seq, true) }, thumb(false)),
      h('button', { type: 'button', class: 'vg-feedback-btn vg-feedback-no', 'data-helpful': 'false', 'aria-label': res('feedback_no'),
        title: res('feedback_no'), 'aria-pressed': 'false', onclick: () => rate(seq, false) }, thumb(true)),
      h('div', { class: 'vg-feedback-note', role: 'status' }));
    after(row, seq, rated(seq), false);
    return row;
  }

  return {
    /** Adds the question under a bot's knowledge answer (module on). */
    decorate(li, m) {
      nodes.delete(m.seq);
      const old = li.querySelector('.vg-feedback');
      if (old) old.remove();
      const own = m.author === 'bot' && m.kind === 'knowledge' && !(m.operator && m.operator.name);
      if (!own || !on()) return;
      const row = build(m.seq);
      nodes.set(m.seq, row);
      li.append(row);
    },
    /** `feedback_saved`: true when it answers one of ours. */
    saved(f) {
      const p = pending.get(f.client_id);
      if (!p) return false;
      pending.delete(f.client_id);
      save({ ...(load() || {}), [f.seq]: !!f.helpful });
      const row = nodes.get(f.seq);
      if (row) after(row, f.seq, !!f.helpful, true);
      return true;
    },
    /** An `error` frame: true when it answers one of ours. */
    refused(f) {
      if (!f.client_id || !pending.has(f.client_id)) return false;
      const p = pending.get(f.client_id);
      pending.delete(f.client_id);
      const row = nodes.get(p.seq);
      if (row) row.querySelector('.vg-feedback-note').textContent = res('error_generic');
      return true;
    },
    /** The livechat offer may have come or gone (the conversation's state changed). */
    refresh() {
      for (const [seq, row] of nodes) {
        const r = rated(seq);
        if (r === false) after(row, seq, r, false);
      }
    },
  };
}

/**
 * The survey at the end of a livechat, above the message field.
 * - `el`: where it goes; `res(key)`; `send(frame)`: false offline;
 * - `load()` / `save(list)`: the `ended_seq`s already rated.
 */
export function createSurvey({ el, res, send, load, save }) {
  let panel = null;
  let forSeq = null;
  let pendingId = null;
  let score = 0;

  function status(text, error) {
    const s = panel && panel.querySelector('.vg-survey-status');
    if (!s) return;
    s.textContent = text;
    s.classList.toggle('vg-error', !!error);
  }

  function build() {
    const scores = h('div', { class: 'vg-survey-scores', role: 'radiogroup', 'aria-labelledby': 'vg-survey-question' });
    for (let n = 1; n <= 5; n++) {
      const b = h('button', { type: 'button', class: 'vg-survey-score', role: 'radio', 'aria-checked': n === score ? 'true' : 'false',
        'data-score': n, 'aria-label': res('survey_score_label').replace('{score}', n), text: String(n),
        onclick: () => {
          score = n;
          for (const x of scores.children) x.setAttribute('aria-checked', Number(x.dataset.score) === n ? 'true' : 'false');
          status('', false);
        } });
      scores.append(b);
    }
    const comment = h('textarea', { id: 'vg-survey-comment', class: 'vg-survey-comment', rows: 2, maxlength: MAX_COMMENT });
    return h('form', { class: 'vg-survey', id: 'vg-survey', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      if (!score) { status(res('survey_pick_score'), true); scores.firstChild.focus(); return; }
      pendingId = clientId();
      const frame = { type: 'satisfaction', client_id: pendingId, ended_seq: forSeq, score };
      const text = comment.value.trim();
      if (text) frame.comment = text.slice(0, MAX_COMMENT);
      if (!send(frame)) { pendingId = null; status(res('survey_failed'), true); }
    } },
    h('p', { class: 'vg-survey-question', id: 'vg-survey-question', text: res('survey_question') }),
    scores,
    h('label', { for: 'vg-survey-comment', class: 'vg-survey-label', text: res('survey_comment_label') }),
    comment,
    h('button', { type: 'submit', class: 'vg-survey-send', id: 'vg-survey-send', text: res('survey_send') }),
    h('p', { class: 'vg-survey-status', id: 'vg-survey-status', role: 'status' }));
  }

  function done(seq) {
    return (load() || []).includes(seq);
  }

  function thank() {
    panel.dataset.sent = '1';
    for (const c of [...panel.children]) if (!c.classList.contains('vg-survey-status')) c.remove();
    status(res('survey_thanks'), false);
  }

  return {
    /** Shows the survey for the livechat `endedSeq` ended (null: none to rate now). */
    update(on, endedSeq) {
      const show = on && endedSeq !== null && !done(endedSeq);
      if (show && (!panel || forSeq !== endedSeq)) {
        if (panel) panel.remove();
        forSeq = endedSeq;
        score = 0;
        panel = build();
        el.append(panel);
      } else if (!show && panel && !panel.dataset.sent) {
        panel.remove();
        panel = null;
        forSeq = null;
      }
    },
    relabel() {
      if (!panel || panel.dataset.sent) return;
      panel.replaceWith((panel = build()));
    },
    /** `satisfaction_saved`: true when it answers this survey. */
    saved(f) {
      if (!panel || f.client_id !== pendingId) return false;
      pendingId = null;
      save([...(load() || []), f.ended_seq]);
      thank();
      return true;
    },
    refused(f) {
      if (!panel || !f.client_id || f.client_id !== pendingId) return false;
      pendingId = null;
      if (f.code === 'survey_answered') {
        save([...(load() || []), forSeq]);
        thank();
      } else {
        status(res('survey_failed'), true);
      }
      return true;
    },
  };
}
