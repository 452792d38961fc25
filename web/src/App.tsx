import { lazy } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import { loginPath, RequireViewer, useSession } from './session';

const LoginPage = lazy(() => import('./pages/LoginPage'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage'));
const RequestListPage = lazy(() => import('./pages/RequestListPage'));
const RequestPage = lazy(() => import('./request/RequestPage'));
const NewRequestPage = lazy(() => import('./pages/NewRequestPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const ContactsPage = lazy(() => import('./contacts/ContactsPage'));
const SetPasswordPage = lazy(() => import('./pages/SetPasswordPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

function Home() {
  const { viewer, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  return <Navigate to={viewer ? '/requests' : loginPath('/requests', location.search)} replace />;
}

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="forgot-password" element={<ForgotPasswordPage />} />
        <Route path="account/setup" element={<SetPasswordPage key="setup" mode="setup" />} />
        <Route path="account/reset" element={<SetPasswordPage key="reset" mode="reset" />} />
        <Route
          path="requests"
          element={
            <RequireViewer>
              <RequestListPage />
            </RequireViewer>
          }
        />
        <Route
          path="requests/new"
          element={
            <RequireViewer>
              <NewRequestPage />
            </RequireViewer>
          }
        />
        <Route
          path="requests/:humanId"
          element={
            <RequireViewer>
              <RequestPage />
            </RequireViewer>
          }
        />
        <Route
          path="profile"
          element={
            <RequireViewer>
              <ProfilePage />
            </RequireViewer>
          }
        />
        <Route
          path="contacts"
          element={
            <RequireViewer>
              <ContactsPage />
            </RequireViewer>
          }
        />
        <Route
          path="audit"
          element={
            <RequireViewer>
              <AuditPage />
            </RequireViewer>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
