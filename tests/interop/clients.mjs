// Talks to the portal's /graphql/ws with two third-party clients — graphql-ws (protocol
// graphql-transport-ws) and subscriptions-transport-ws (legacy graphql-ws) — and prints what
// each received as one JSON object. Usage: node clients.mjs ws://127.0.0.1:PORT/graphql/ws
import { createClient } from 'graphql-ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import WebSocket from 'ws';

const url = process.argv[2];
const SUBSCRIPTION = 'subscription { serverTime(intervalSeconds: 1) { sequence } }';

function withTimeout(promise, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), 10000)),
  ]);
}

async function modern() {
  const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  const query = await withTimeout(
    new Promise((resolve, reject) => {
      let result;
      client.subscribe({ query: '{ __typename }' }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
    }),
    'graphql-ws query',
  );
  const ticks = [];
  await withTimeout(
    new Promise((resolve, reject) => {
      const dispose = client.subscribe({ query: SUBSCRIPTION }, {
        next: (r) => {
          ticks.push(r.data.serverTime.sequence);
          if (ticks.length === 2) {
            dispose();
            resolve();
          }
        },
        error: reject,
        complete: () => {},
      });
    }),
    'graphql-ws subscription',
  );
  const invalid = await withTimeout(
    new Promise((resolve) => {
      client.subscribe({ query: '{ nope }' }, { next: () => {}, error: (errors) => resolve(errors), complete: () => resolve(null) });
    }),
    'graphql-ws invalid query',
  );
  await client.dispose();
  return { query, ticks, invalidCode: invalid?.[0]?.extensions?.code ?? null };
}

async function legacy() {
  const client = new SubscriptionClient(url, { reconnect: false }, WebSocket);
  const ticks = [];
  await withTimeout(
    new Promise((resolve, reject) => {
      const subscription = client.request({ query: SUBSCRIPTION }).subscribe({
        next: (r) => {
          ticks.push(r.data.serverTime.sequence);
          if (ticks.length === 2) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    }),
    'subscriptions-transport-ws subscription',
  );
  client.close();
  return { ticks };
}

try {
  const result = { modern: await modern(), legacy: await legacy() };
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
