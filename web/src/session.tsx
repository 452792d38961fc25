import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { CombinedError } from '@urql/core';
import { Provider, useQuery } from 'urql';
import { graphql } from './gql';
import type { ViewerQuery } from './gql/graphql';
import { makeClient, setUnauthenticatedHandler } from './graphql/client';
import { applyAccountLanguage } from './i18n';
import { ErrorMessage, Loading } from './components/Status';

export const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      account {
        id
        login
        email
        displayName
        language
      }
      contact {
        id
        firstName
        lastName
        supportRole
        securityAdministrator
        providerRole
        company {
          id
          humanId
          name
          kind
        }
      }
      memberships {
        id
        company {
          id
          humanId
          name
        }
      }
      capabilities {
        createRequests
        teamScope
        contactAdministration
        securityAdministration
        supportStaff
        dispatch
        dashboards
        platformOperation
      }
      mustEnrollSecondFactor
      twoFactor
      twoFactorEnabled
      recoveryCodesLeft
    }
  }
`);

export type Viewer = NonNullable<ViewerQuery['viewer']>;

interface Session {
  viewer: Viewer | null;
  /** True until the first answer to "who am I?". */
  loading: boolean;
  /** Why "who am I?" could not be answered (the portal unreachable…), if so. */
  error: CombinedError | null;
  /** Forget everything cached (after login, logout, a company switch). */
  restart: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Where a path to come back to after login may lead: only this app's own pages. */
export function safeNext(next: string | null): string {
  // Home ('/') sends each person to their own first screen (the operator's is not requests).
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

export function loginPath(pathname: string, search: string): string {
  return `/login?next=${encodeURIComponent(pathname + search)}`;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState(() => ({ client: makeClient(), epoch: 0 }));
  const restart = useCallback(() => setSession((s) => ({ client: makeClient(), epoch: s.epoch + 1 })), []);
  return (
    <Provider value={session.client}>
      <ViewerProvider key={session.epoch} restart={restart}>
        {children}
      </ViewerProvider>
    </Provider>
  );
}

function ViewerProvider({ children, restart }: { children: ReactNode; restart: () => void }) {
  const [{ data, fetching, error }] = useQuery({ query: ViewerDocument, requestPolicy: 'network-only' });
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      if (window.location.pathname.startsWith('/login')) return;
      const target = loginPath(window.location.pathname, window.location.search);
      restart();
      navigate(target, { replace: true });
    });
  }, [navigate, restart]);

  const viewer = data?.viewer ?? null;
  useEffect(() => {
    if (viewer) applyAccountLanguage(viewer.account.language === 'FR' ? 'fr' : 'en');
  }, [viewer]);

  const session = useMemo<Session>(
    () => ({ viewer, loading: fetching && !data && !error, error: data ? null : (error ?? null), restart }),
    [viewer, fetching, data, error, restart],
  );
  return <SessionContext value={session}>{children}</SessionContext>;
}

/** Shows its children to a logged-in person; sends anyone else to the login page. */
export function RequireViewer({ children }: { children: ReactNode }) {
  const { viewer, loading, error } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!viewer && error) return <ErrorMessage error={error} />;
  if (!viewer) return <Navigate to={loginPath(location.pathname, location.search)} replace />;
  // The company requires a second factor this session lacks: nothing works until enrolment.
  if (viewer.mustEnrollSecondFactor && location.pathname !== '/profile') return <Navigate to="/profile" replace />;
  return <>{children}</>;
}
