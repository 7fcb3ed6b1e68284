// The daemon's HTTP API: JSON reads and actions, each with the session's key (the CSRF
// header the guard asks for). The daemon hands the key out once, to the page that signs in;
// it is kept in this origin's storage (which no other origin, another port included, can
// read), so a reload or a second tab has it too.

const KEY = "skillshare-key";

function key() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

let memory = null; // (the key, where storage is refused)

function keep(value) {
  try {
    localStorage.setItem(KEY, value);
  } catch { /* storage refused: this tab keeps working until it is reloaded */ }
  memory = value;
}

function current() {
  return key() || memory;
}

/** An error from the daemon (or the network), with what to show the user. */
export class ApiError extends Error {
  constructor(status, code, message, hint) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint || null;
  }
}

async function parse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && body !== null) return body;
  const error = (body && body.error) || {};
  const message = error.message || `${response.status} ${response.statusText || "error"}`;
  const hint = error.hint || (response.status === 401
    ? "The dashboard session ended: run `skillshare ui` for a new link." : null);
  throw new ApiError(response.status, error.code || String(response.status), message, hint);
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init });
  } catch (err) {
    throw new ApiError(0, "unreachable", "The daemon does not answer.",
      "Is it still running? `skillshare daemon status`, then `skillshare ui`.");
  }
  return parse(response);
}

function headers(more) {
  const sent = { Accept: "application/json", ...(more || {}) };
  const value = current();
  if (value) sent["X-Skillshare-CSRF"] = value;
  return sent;
}

/** GET a JSON resource (`/api/status`, ...). */
export function get(path) {
  return send(path, { method: "GET", headers: headers() });
}

/** The session: its key (kept), the daemon's version, port and home folder. */
export async function session() {
  const info = await get("/api/session");
  keep(info.csrf);
  return info;
}

/** The event stream's address (an EventSource sends no headers: the key goes in it). */
export function streamUrl() {
  return `/api/events?csrf=${encodeURIComponent(current() || "")}`;
}

/** POST an action (`sync`, `restore`, ...) with its body; resolves to the reply's result. */
export function act(action, body) {
  return send(`/api/actions/${encodeURIComponent(action)}`, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });
}
