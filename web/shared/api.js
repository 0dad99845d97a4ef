// Vigie: the JSON HTTP client of /api/v1, shared by the admin, the console and the chatbox.

export const API = "/api/v1";


export class HttpError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/**
 * api(method, path, body, contentType) → the parsed JSON answer, or throws an HttpError.
 * - `csrf()`: the session's CSRF token, sent with every write;
 * - `onUnauthorized()`: a 401 (except on the login itself): the session is gone.
 * A body is sent as JSON unless `contentType` is given (then as is).
 */
export function createApi({ csrf = () => null, onUnauthorized = () => {} } = {}) {
  return async function api(method, path, body, contentType) {
    const headers = { accept: "application/json" };
    const token = method !== "GET" ? csrf() : null;
    if (token) headers["X-CSRF-Token"] = token;
    let payload;
    if (body !== undefined) {
      if (contentType) { headers["Content-Type"] = contentType; payload = body; }
      else { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    }
    const r = await fetch(API + path, { method, headers, body: payload, credentials: "same-origin" });
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
    if (r.status === 401 && path !== "/auth/login") {
      onUnauthorized();
      throw new HttpError(401, data);
    }
    if (!r.ok) throw new HttpError(r.status, data);
    return data;
  };
}
