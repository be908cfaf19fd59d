/* global document, window */
// The small DOM helpers every OMS page uses (no build step): find, create, tell, confirm.

export const $ = (sel) => document.querySelector(sel);

/** Creates an element: h('td', { class: 'num' }, 'text', child, [children], …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false || v === null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof window.Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Shows a message in the page's `#message` line (an alert when `kind` is 'error'). */
export function say(text, kind = 'ok') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message${kind === 'error' ? ' error' : ''}`;
  m.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  m.hidden = !text;
}

/** The API's refusal in words: its message and code (403 WRONG_STORE, 409 …). */
export const refusal = (err) => (err.code ? `${err.message} (${err.code})` : err.message);

/** Asks for confirmation in the page's `#confirm` dialog; resolves true on its OK button. */
export function confirmAction(title, text, okLabel) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

export const enc = encodeURIComponent;
export const units = (n) => `${n} unit${n === 1 ? '' : 's'}`;
export const day = (iso) => (iso ? String(iso).slice(0, 10) : '');
