// The daemon's HTTP API: JSON reads, and actions with the CSRF header the guard asks for.

let csrf = null;

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

/** GET a JSON resource (`/api/status`, ...). */
export function get(path) {
  return send(path, { method: "GET", headers: { Accept: "application/json" } });
}

/** The session: its CSRF token, the daemon's version and port. */
export async function session() {
  const info = await get("/api/session");
  csrf = info.csrf;
  return info;
}

/** POST an action (`sync`, `restore`, ...) with its body; resolves to the reply's result. */
export async function act(action, body) {
  if (csrf === null) await session();
  return send(`/api/actions/${encodeURIComponent(action)}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-Skillshare-CSRF": csrf,
    },
    body: JSON.stringify(body),
  });
}
