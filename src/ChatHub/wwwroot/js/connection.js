// The chat hub connection: the official SignalR client over WebSockets. It reconnects by itself for
// as long as the user is signed in, and asks the session for a fresh token on every (re)connect.
import * as session from "./session.js";

const { HubConnectionBuilder, HttpTransportType, LogLevel } = window.signalR;
const REFUSAL_MARKER = "HubException: ";
const MAX_RETRY_DELAY_MS = 5_000;
// SessionEnded reasons after which a new access token carries on where the connection was.
const RESUMABLE = new Set(["expired", "role-changed"]);

/**
 * The part of a hub error meant for the user when the server refused the call (too long, rate
 * limited, still replying ...), or null when the call got no answer (offline).
 */
export function refusal(error) {
  const message = String(error?.message ?? "");
  const at = message.indexOf(REFUSAL_MARKER);
  return at < 0 ? null : message.slice(at + REFUSAL_MARKER.length);
}

/**
 * Retries for as long as the user is signed in. A reconnect that keeps failing may also be a token
 * the server no longer accepts (password or role changed): asking the API then refreshes it, or
 * ends the session.
 */
function retryDelay(attempt) {
  if (!session.user()) return null;
  if (attempt >= 2) session.check();
  // Linear and jittered: back quickly after a restart, without every page knocking at once.
  return Math.min(500 * (attempt + 1), MAX_RETRY_DELAY_MS) * (0.75 + Math.random() / 2);
}

/**
 * A connection that is started at once and kept up. `ready` settles when it is first connected.
 * onOffline / onOnline tell the page when it lost the connection and when it is back.
 */
export function connect({ onOffline, onOnline }) {
  const connection = new HubConnectionBuilder()
    .withUrl("/hubs/chat", {
      accessTokenFactory: () => session.accessToken(),
      transport: HttpTransportType.WebSockets,
      skipNegotiation: true,
    })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ({ previousRetryCount }) => retryDelay(previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();
  connection.onreconnecting(onOffline);
  connection.onreconnected(onOnline);

  // Automatic reconnect only covers a connection that was up once; the first start retries here.
  const start = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.start();
        if (attempt > 0) onOnline();
        return;
      } catch (error) {
        const delay = retryDelay(attempt);
        if (delay === null) throw error;
        onOffline();
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  // The server says why before it closes a connection whose session ended: an expired token or a new role
  // is renewed and the connection started again (the page keeps its view); anything else signs out, with the reason.
  let ended = null;
  connection.on("SessionEnded", ({ reason }) => { ended = reason; });
  connection.onclose(async () => {
    const reason = ended;
    ended = null;
    if (reason === null || !session.user()) return;
    if (!RESUMABLE.has(reason) && !(await session.isOwnEnding(reason))) {
      session.end(reason);
      return;
    }
    onOffline();
    try {
      await session.renew();
      await start();
      onOnline();
    } catch {
      // The session is over after all: session.end has told the page.
    }
  });
  return { connection, ready: start() };
}
