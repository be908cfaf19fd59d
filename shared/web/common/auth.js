/* global document, window, sessionStorage, fetch, crypto, location, history, URLSearchParams, TextEncoder, TextDecoder, atob, btoa */
// Signing in and calling the OMS HTTP API, shared by the OMS pages (no build step).
//
// `/config.json` says how people sign in:
// - `{auth: {kind: 'local', signIn: '/auth/sign-in'}}` (npm start): a user name and password
//   form; the local cloud answers with an ID token it signed (`npx oms user add`).
// - `{apiUrl, auth: {kind: 'cognito', domain, clientId}}` (AWS): Cognito's hosted UI with the
//   authorization-code flow and PKCE; the page exchanges the code for tokens itself.
// The ID token is kept in sessionStorage (this tab only). A 401 from the API (expired or revoked
// token) forgets it and asks to sign in again; the page's place (its address) is kept, and the
// page goes on where it was once signed in.

const SESSION_KEY = 'oms-session';
const PKCE_KEY = 'oms-pkce';

let config = { apiUrl: '', auth: { kind: 'local', signIn: '/auth/sign-in' } };
let onSignInNeeded = () => undefined;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
  }
}

/** The signed-in person ({token, username, groups, stores, expiresAt}) or null. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function keep(s) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
}

export function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
}

const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** The claims of a JWT, for showing who is signed in (the API verifies the token, not the page). */
function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))),
    );
  } catch {
    return {};
  }
}

function sessionFromIdToken(token) {
  const c = claimsOf(token);
  const groups = Array.isArray(c['cognito:groups']) ? c['cognito:groups'] : [];
  const stores = String(c['custom:stores'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    token,
    username: c['cognito:username'] ?? c.email ?? c.sub ?? 'signed in',
    groups,
    stores,
    expiresAt: c.exp ? new Date(c.exp * 1000).toISOString() : undefined,
  };
}

/** Reads /config.json (absent: the local cloud, same origin). */
async function loadConfig() {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) config = { ...config, ...(await res.json()) };
  } catch {
    // keep the local default
  }
}

/** An API token handed over in the address (`#token=…`, local scripts) is kept, then hidden. */
function takeTokenFromAddress() {
  const params = new URLSearchParams(location.hash.replace(/^#\/?/, ''));
  const t = params.get('token');
  if (t) {
    keep({ token: t, username: 'API token', groups: [], stores: [], machine: true });
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
}

/** Back from Cognito's hosted UI with `?code=…&state=…`: the code is exchanged (PKCE). */
async function completeHostedSignIn() {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code || config.auth.kind !== 'cognito') return;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null');
  sessionStorage.removeItem(PKCE_KEY);
  if (!pending || pending.state !== params.get('state')) {
    history.replaceState(null, '', location.pathname);
    throw new Error('The sign-in answer did not match this tab’s request: sign in again.');
  }
  const res = await fetch(`${config.auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    }),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok || !data.id_token) throw new Error('Cognito refused the sign-in: sign in again.');
  keep(sessionFromIdToken(data.id_token));
  history.replaceState(null, '', pending.returnTo);
}

/** Sends the browser to Cognito's hosted UI (authorization code + PKCE, S256). */
async function startHostedSignIn() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  );
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const redirectUri = `${location.origin}${location.pathname}`;
  const returnTo = `${location.pathname}${location.hash}`;
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, redirectUri, returnTo }));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${config.auth.domain}/oauth2/authorize?${q}`);
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false || v === null) continue;
    if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  e.append(...children.filter((c) => c !== undefined && c !== null));
  return e;
}

/**
 * The sign-in form (or, on AWS, the button to Cognito's hosted UI). `reason` says why (an expired
 * session); `done` runs once signed in, the page's address unchanged.
 */
export function signInView({ title, reason, done }) {
  const section = el('section', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' });
  section.append(el('h1', { id: 'sign-in-title' }, 'Sign in'), el('p', {}, title));
  if (reason) section.append(el('p', { class: 'notice', role: 'alert' }, reason));
  if (config.auth.kind === 'cognito') {
    const go = el('button', { type: 'button', class: 'primary', id: 'hosted-sign-in' }, 'Sign in');
    go.addEventListener('click', () => void startHostedSignIn());
    section.append(go);
    return section;
  }
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = el(
    'form',
    { id: 'sign-in-form' },
    el('label', { for: 'username' }, 'User name'),
    el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, 'Password'),
    el('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    error,
    el('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    el(
      'p',
      { class: 'hint' },
      'Locally, users come from ',
      el('code', {}, 'npx oms user add'),
      '.',
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const res = await fetch(config.auth.signIn, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value }),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      error.textContent = data.message ?? `Sign-in failed (HTTP ${res.status})`;
      error.hidden = false;
      form.password.focus();
      return;
    }
    keep({ ...sessionFromIdToken(data.idToken), token: data.idToken });
    done();
  });
  window.setTimeout(() => form.username.focus(), 0);
  section.append(form);
  return section;
}

/**
 * Calls the API with the session's token. 401: the session is forgotten and the page asked to
 * show the sign-in (`onSignInNeeded`), the page's place kept; other refusals throw ApiError with
 * the API's words.
 */
export async function api(method, path, body) {
  const s = session();
  const res = await fetch(`${config.apiUrl}${path}`, {
    method,
    headers: {
      ...(s ? { authorization: `Bearer ${s.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { message: text };
  }
  if (res.status === 401) {
    signOut();
    const err = new ApiError(401, {
      error: 'UNAUTHENTICATED',
      message: 'Your session has ended: sign in again to go on where you were.',
    });
    onSignInNeeded(err.message);
    throw err;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Reads the configuration, finishes a hosted sign-in, takes an address token. */
export async function startAuth({ signInNeeded }) {
  onSignInNeeded = signInNeeded;
  takeTokenFromAddress();
  await loadConfig();
  await completeHostedSignIn();
}
