import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient, useMutation } from 'urql';
import type { AdminContactFragment, InputProblem, StagedChangeFragment, SupportRole } from '../gql/graphql';
import { Modal } from '../components/Modal';
import { TextField } from '../components/TextField';
import { ErrorMessage } from '../components/Status';
import { firstCode } from '../graphql/errors';
import { problemFor } from '../forms';
import { editContactProblems, emailChanged as addressChanged, required, updateContactInput } from './contactForm';
import {
  AddContactDocument,
  ContactByIdDocument,
  rolesText,
  StageRoleChangeDocument,
  SUPPORT_ROLES,
  UpdateContactDocument,
} from './operations';

const problemOf = problemFor<InputProblem>;

export function AddContactDialog({ onClose }: { onClose: (added: AdminContactFragment | null) => void }) {
  const { t } = useTranslation();
  const [{ fetching, error }, add] = useMutation(AddContactDocument);
  const [lastName, setLastName] = useState('');
  const [firstName, setFirstName] = useState('');
  const [email, setEmail] = useState('');
  const [problems, setProblems] = useState<InputProblem[]>([]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = required({ lastName, firstName, email });
    setProblems(local);
    if (local.length) return;
    const result = await add({ input: { lastName: lastName.trim(), firstName: firstName.trim(), email: email.trim() } });
    const payload = result.data?.addContact;
    if (!payload) return;
    setProblems(payload.problems);
    if (payload.contact) onClose(payload.contact);
  }

  return (
    <Modal title={t('contactAdmin.addTitle')} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="hint">{t('contactAdmin.addHint')}</p>
        {error && <ErrorMessage error={error} />}
        <TextField
          label={t('contactAdmin.lastName')}
          value={lastName}
          onChange={setLastName}
          problem={problemOf(problems, 'lastName')}
          maxLength={100}
          autoComplete="off"
        />
        <TextField
          label={t('contactAdmin.firstName')}
          value={firstName}
          onChange={setFirstName}
          problem={problemOf(problems, 'firstName')}
          maxLength={100}
          autoComplete="off"
        />
        <TextField
          label={t('contactAdmin.email')}
          value={email}
          onChange={setEmail}
          problem={problemOf(problems, 'email')}
          type="email"
          autoComplete="off"
        />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t('contactAdmin.addSubmit')}
          </button>
          <button type="button" onClick={() => onClose(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function EditContactDialog({
  contact,
  self,
  needsCode,
  onClose,
  onStale,
}: {
  contact: AdminContactFragment;
  /** Whether this is the viewer's own contact (changing one's own address needs the password). */
  self: boolean;
  needsCode: boolean;
  onClose: (saved: AdminContactFragment | null) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [{ fetching, error }, update] = useMutation(UpdateContactDocument);
  const [base, setBase] = useState(contact);
  const [lastName, setLastName] = useState(contact.lastName);
  const [firstName, setFirstName] = useState(contact.firstName);
  const [email, setEmail] = useState(contact.email);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [reloaded, setReloaded] = useState(false);
  const askCredentials = self && addressChanged(email, base.email);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setReloaded(false);
    const typed = { lastName, firstName, email, password, code };
    const local = editContactProblems(typed, base, self, needsCode);
    setProblems(local);
    if (local.length) return;
    const result = await update({ input: updateContactInput(typed, base, self, needsCode) });
    const payload = result.data?.updateContact;
    if (payload) {
      setProblems(payload.problems);
      if (payload.contact) onClose(payload.contact);
      return;
    }
    if (result.error && firstCode(result.error) === 'CONFLICT') {
      // Someone changed the contact: show the latest version to check and save again.
      const fresh = await client.query(ContactByIdDocument, { id: base.id }, { requestPolicy: 'network-only' }).toPromise();
      const latest = fresh.data?.node && 'version' in fresh.data.node ? (fresh.data.node as AdminContactFragment) : null;
      if (latest) {
        setBase(latest);
        setLastName(latest.lastName);
        setFirstName(latest.firstName);
        setEmail(latest.email);
        setReloaded(true);
      }
      onStale();
    }
  }

  return (
    <Modal title={t('contactAdmin.editTitle', { name: `${base.firstName} ${base.lastName}` })} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate>
        {error && <ErrorMessage error={error} />}
        {reloaded && !error && (
          <p className="status status-error" role="alert">
            {t('errors.CONFLICT')}
          </p>
        )}
        <TextField
          label={t('contactAdmin.lastName')}
          value={lastName}
          onChange={setLastName}
          problem={problemOf(problems, 'lastName')}
          maxLength={100}
          autoComplete="off"
        />
        <TextField
          label={t('contactAdmin.firstName')}
          value={firstName}
          onChange={setFirstName}
          problem={problemOf(problems, 'firstName')}
          maxLength={100}
          autoComplete="off"
        />
        <TextField
          label={t('contactAdmin.email')}
          value={email}
          onChange={setEmail}
          problem={problemOf(problems, 'email')}
          type="email"
          autoComplete="off"
        />
        {askCredentials && (
          <>
            <p className="hint">{t('contactAdmin.ownEmailHint')}</p>
            <TextField
              label={t('profile.currentPassword')}
              value={password}
              onChange={setPassword}
              problem={problemOf(problems, 'currentPassword')}
              type="password"
              autoComplete="current-password"
            />
            {needsCode && (
              <TextField
                label={t('login.code')}
                value={code}
                onChange={setCode}
                problem={problemOf(problems, 'code')}
                inputMode="numeric"
                autoComplete="one-time-code"
              />
            )}
          </>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t('contactAdmin.save')}
          </button>
          <button type="button" onClick={() => onClose(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function RolesDialog({
  contact,
  staged,
  onClose,
}: {
  contact: AdminContactFragment;
  staged: StagedChangeFragment | undefined;
  onClose: (list: StagedChangeFragment[] | null) => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, stage] = useMutation(StageRoleChangeDocument);
  const start = staged?.to ?? contact;
  const [supportRole, setSupportRole] = useState<SupportRole | ''>(start.supportRole ?? '');
  const [securityAdministrator, setSecurityAdministrator] = useState(start.securityAdministrator);
  const checkId = useId();
  const name = `${contact.firstName} ${contact.lastName}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await stage({
      input: { contactId: contact.id, roles: { supportRole: supportRole || null, securityAdministrator } },
    });
    const payload = result.data?.stageRoleChange;
    if (payload) onClose(payload.stagedChanges);
  }

  return (
    <Modal title={t('contactAdmin.rolesTitle', { name })} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="hint">
          {t('contactAdmin.currentRoles', { roles: rolesText(t, contact) })} {t('contactAdmin.rolesHint')}
        </p>
        {error && <ErrorMessage error={error} />}
        <fieldset className="radio-group">
          <legend>{t('contactAdmin.supportRole')}</legend>
          {(['', ...SUPPORT_ROLES] as const).map((role) => (
            <label key={role || 'none'}>
              <input
                type="radio"
                name="support-role"
                value={role}
                checked={supportRole === role}
                onChange={() => setSupportRole(role)}
              />{' '}
              {role ? t(`roles.${role}`) : t('contactAdmin.noSupportRole')}
            </label>
          ))}
        </fieldset>
        <div className="field-check field">
          <input
            id={checkId}
            type="checkbox"
            checked={securityAdministrator}
            onChange={(e) => setSecurityAdministrator(e.target.checked)}
          />
          <label htmlFor={checkId}>{t('roles.SECURITY_ADMINISTRATOR')}</label>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t('contactAdmin.stage')}
          </button>
          <button type="button" onClick={() => onClose(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
