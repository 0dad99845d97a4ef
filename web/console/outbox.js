// The outbox: what the operator sends (a message, a knowledge, a transfer, an end, an offer
// of help) gets a client_id and stays in `state.outbox` (saved in sessionStorage) until the
// server acknowledges it; after a reconnection it is sent again with the same client_id
// (the flush effect, connection.js), and the server stores it once.
import { clientId } from "../shared/socket.js";
import { dispatch } from "./app.js";

export function submit(kind, conversation, frame = {}, label) {
  const client_id = clientId();
  const item = { client_id, kind, conversation, label, frame: { ...frame, type: kind, conversation, client_id } };
  dispatch({ type: "local/submit", item });
  return item;
}
