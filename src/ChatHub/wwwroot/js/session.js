// The signed-in session. The access token lives in memory only. When the API hands out a refresh
// token (POST /api/auth/refresh), it is kept in localStorage so a reload or a new tab stays signed
// in; without one, an expired or rejected token means "sign in again".

const REFRESH_KEY = "characterchat.refreshToken";
// Refresh this long before the access token expires, so a call never leaves with a stale one.
const EARLY_MS = 60_000;

let current = null; // { accessToken, expiresAt (ms), user }
let refreshing = null;
let ownEnding = null; // { reason, settled } while a replaceSession call runs and until the hub's SessionEnded for it
const endedListeners = new Set();

/** An API answer other than 2xx, with its RFC 7807 problem when there is one. */
class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

export const user = () => current?.user ?? null;
/** listener(reason): the session ended; reason is the server's (SessionEnded) or undefined. */
export const onEnded = (listener) => endedListeners.add(listener);
/**
 * Runs call, a request that ends every session of the user (this one too: a password change, reason "password-changed")
 * and answers with a new one, which this page carries on with.
 */
export async function replaceSession(reason, call) {
  const settled = call();
  ownEnding = { reason, settled };
  try {
    return adopt(await settled);
  } catch (error) {
    ownEnding = null;
    throw error;
  }
}

/** Whether the hub ended this session because of this page's own replaceSession call; answers once that call has settled. */
export async function isOwnEnding(reason) {
  const ending = ownEnding;
  if (ending?.reason !== reason) return false;
  ownEnding = null;
  return ending.settled.then(() => true, () => false);
}
/** A REST call that needs no session (mailed links work signed out). */
export const anonymous = (method, path, body) => call(method, path, body);

/** Thrown when the account asks for its second factor: finish with {@link finishSignIn}. */
export class SecondFactorRequired extends Error {
  constructor(secondFactorToken) {
    super("Enter the code from your authenticator app, or one of your backup codes.");
    this.secondFactorToken = secondFactorToken;
  }
}

export const signIn = async (body) => adoptOrChallenge(await call("POST", "/api/auth/login", body));
export const signUp = async (body) => adopt(await call("POST", "/api/auth/register", body));
/** The second step of a sign-in: the challenge from the first step and a TOTP or backup code. */
export const finishSignIn = async (secondFactorToken, code) =>
  adopt(await call("POST", "/api/auth/login/2fa", { secondFactorToken, code }));
/** Back from a sign-in provider with a single-use code. */
export const exchange = async (code) => adoptOrChallenge(await call("POST", "/api/auth/oauth/exchange", { code }));
/** The sign-in providers configured: [{ name, displayName }], none when the list cannot be had. */
export const providers = () => call("GET", "/api/auth/oauth/providers").catch(() => []);

/** True when this browser keeps a session from an earlier visit. */
export const hasStoredSession = () => localStorage.getItem(REFRESH_KEY) !== null;

/** On page load: a stored refresh token starts a new session without asking for a password. */
export async function restore() {
  if (!localStorage.getItem(REFRESH_KEY)) return null;
  try {
    await refresh();
    return current.user;
  } catch {
    return null;
  }
}

export async function signOut() {
  const refreshToken = localStorage.getItem(REFRESH_KEY);
  forget();
  if (refreshToken) await call("POST", "/api/auth/logout", { refreshToken }).catch(() => {});
}

/** A valid access token, refreshed first if it is about to expire; rejects when the session is over. */
export async function accessToken() {
  if (!current) throw new ApiError(401, { detail: "Not signed in." });
  const left = current.expiresAt - Date.now();
  if (left < EARLY_MS && localStorage.getItem(REFRESH_KEY)) await refresh();
  else if (left <= 0) {
    end();
    throw new ApiError(401, { detail: "The session has expired." });
  }
  return current.accessToken;
}

/** A REST call with the access token; one refresh and retry on 401, then the session ends. */
export const api = (method, path, body) => withToken((token) => call(method, path, body, token));

/**
 * A request with the access token whose body is not JSON (a file) or whose answer is not JSON (an image, a download):
 * the response, once it is 2xx. A 401 is refreshed and retried once, as api does.
 */
export const send = (method, path, body, headers = {}) =>
  withToken(async (token) => {
    const response = await fetch(path, { method, body, headers: { ...headers, authorization: `Bearer ${token}` } });
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
    return response;
  });

/** Asks the API whether the session still holds: refreshes the token, or ends the session. */
export async function check() {
  await api("GET", "/api/me").catch(() => {});
}

/**
 * Ends the session here and tells the page (which shows the sign-in form), with the server's reason
 * (a SessionEnded reason: "signed-out", "password-changed" ...) when it gave one.
 */
export function end(reason) {
  const signedIn = current !== null;
  forget();
  if (signedIn) for (const listener of endedListeners) listener(reason);
}

/** A new access token now, whatever the old one's expiry says (the server refused it): rejects when the session is over. */
export async function renew() {
  await refresh();
  return current.accessToken;
}

/** Runs request(token) with the access token; a 401 (a token the server no longer takes) gets one refresh and retry, then the session ends. */
async function withToken(request) {
  try {
    return await request(await accessToken());
  } catch (error) {
    if (error.status !== 401) throw error;
    if (localStorage.getItem(REFRESH_KEY)) {
      await refresh();
      return request(current.accessToken);
    }
    end();
    throw error;
  }
}

function forget() {
  current = null;
  localStorage.removeItem(REFRESH_KEY);
}

function adoptOrChallenge(answer) {
  if (answer.secondFactorRequired) throw new SecondFactorRequired(answer.secondFactorToken);
  return adopt(answer);
}

function adopt(auth) {
  current = { accessToken: auth.accessToken, expiresAt: Date.parse(auth.expiresAt), user: auth.user };
  if (auth.refreshToken) localStorage.setItem(REFRESH_KEY, auth.refreshToken);
  else localStorage.removeItem(REFRESH_KEY);
  return auth.user;
}

/**
 * Refresh tokens are single use and shared by this browser's tabs, so tabs take turns (a Web Lock)
 * and each reads the newest token when its turn comes.
 */
function refresh() {
  const run = async () => {
    const refreshToken = localStorage.getItem(REFRESH_KEY);
    if (!refreshToken) throw new ApiError(401, { detail: "Signed out." });
    try {
      adopt(await call("POST", "/api/auth/refresh", { refreshToken }));
    } catch (error) {
      if (error.status === 400 || error.status === 401) end();
      throw error;
    }
  };
  refreshing ??= (navigator.locks ? navigator.locks.request("characterchat-refresh", run) : run())
    .finally(() => { refreshing = null; });
  return refreshing;
}

async function call(method, path, body, token) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// Signing out in one tab signs out the others.
addEventListener("storage", (event) => {
  if (event.key === REFRESH_KEY && event.newValue === null && event.oldValue !== null) end();
});
