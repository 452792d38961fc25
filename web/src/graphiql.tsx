// GraphiQL for developers, served by the portal at GET /graphql in development (bundled here so
// it works offline; no CDN). It uses the session cookie of the web app, or the bearer token
// typed in its headers tab.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';

const root = document.getElementById('graphiql');
if (!root) throw new Error('no #graphiql element');

const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: `${location.origin.replace(/^http/, 'ws')}/graphql/ws`,
  headers: { accept: 'application/graphql-response+json' },
});

const defaultQuery = `# Welcome to the support portal API.
# Log in through the web app (same browser), or send "Authorization: Bearer <token>" in the
# headers tab (scripts/run prints demo tokens).
{
  viewer {
    account { login }
    contact { company { humanId name } }
  }
}
`;

root.textContent = '';
createRoot(root).render(<GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />);
