import { Client, cacheExchange, fetchExchange, mapExchange } from '@urql/core';
import { errorCodes } from './errors';

type Handler = () => void;
let onUnauthenticated: Handler = () => {};

/** The app's reaction when any answer says the session is gone (set by the shell). */
export function setUnauthenticatedHandler(handler: Handler): void {
  onUnauthenticated = handler;
}

/**
 * A fresh client (and so an empty cache): one per session, made again after login, logout and
 * a company switch so nothing of the previous session's answers is shown.
 */
export function makeClient(): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: {
      credentials: 'same-origin',
      headers: { accept: 'application/graphql-response+json' },
    },
    exchanges: [
      mapExchange({
        onError(error) {
          if (errorCodes(error).includes('UNAUTHENTICATED')) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
