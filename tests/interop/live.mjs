// Follows one request's live updates with the graphql-ws client (protocol graphql-transport-ws):
// prints `ready` once subscribed, then, after `count` updates (or 10 s), one JSON object with
// what it received. Usage: node live.mjs ws://127.0.0.1:PORT/graphql/ws TOKEN REQUEST_ID COUNT
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, requestId, count] = process.argv.slice(2);
const QUERY = 'subscription($id: ID) { requestUpdates(requestId: $id) { cursor kind action request { id state } } }';

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  connectionParams: { authorization: `Bearer ${token}` },
});
const updates = [];
let failure = null;
const done = new Promise((resolve) => {
  client.subscribe({ query: QUERY, variables: { id: requestId } }, {
    next: (result) => {
      updates.push(result);
      if (updates.length === Number(count)) resolve();
    },
    error: (error) => {
      failure = String(error?.message ?? JSON.stringify(error));
      resolve();
    },
    complete: () => resolve(),
  });
});
// The protocol does not acknowledge a subscription: give the server a moment to start it.
setTimeout(() => console.log('ready'), 300);
const timeout = new Promise((resolve) => setTimeout(() => {
  failure = failure ?? 'timeout';
  resolve();
}, 10000));
await Promise.race([done, timeout]);
console.log(JSON.stringify({ updates, failure }));
await client.dispose();
process.exit(0);
