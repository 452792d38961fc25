import { lazy } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import { loginPath, RequireViewer, useSession } from './session';
import { canCreateRequests, canOperatePlatform, isSupportStaff } from './capabilities';

const LoginPage = lazy(() => import('./pages/LoginPage'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage'));
const RequestListPage = lazy(() => import('./pages/RequestListPage'));
const RequestPage = lazy(() => import('./request/RequestPage'));
const NewRequestPage = lazy(() => import('./pages/NewRequestPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const ContactsPage = lazy(() => import('./contacts/ContactsPage'));
const SetPasswordPage = lazy(() => import('./pages/SetPasswordPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const OperatorPage = lazy(() => import('./operator/OperatorPage'));
const SupportStaffPage = lazy(() => import('./operator/SupportStaffPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

function Home() {
  const { viewer, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  // The platform operator works on companies, not requests.
  const home = viewer && canOperatePlatform(viewer) && !isSupportStaff(viewer) && !canCreateRequests(viewer) ? '/operator' : '/requests';
  return <Navigate to={viewer ? home : loginPath('/', location.search)} replace />;
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
        <Route
          path="operator"
          element={
            <RequireViewer>
              <OperatorPage />
            </RequireViewer>
          }
        />
        <Route
          path="operator/staff"
          element={
            <RequireViewer>
              <SupportStaffPage />
            </RequireViewer>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
