import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { InputProblem, SupportStaffRole } from '../gql/graphql';
import { canOperatePlatform } from '../capabilities';
import { ErrorMessage } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { useSession } from '../session';
import { PersonFields } from './CompanyDialogs';
import { answerProblems, NotAllowed, OperatorNav } from './fields';
import { personProblems, STAFF_ROLES, supportStaffInput, type PersonValues } from './operatorForm';
import { CreateSupportStaffDocument } from './operations';

const EMPTY: PersonValues = { lastName: '', firstName: '', email: '' };

/** Adding a support agent or manager to the provider organisation. */
export default function SupportStaffPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  usePageTitle(t('operator.staff.title'));
  const [{ fetching, error }, create] = useMutation(CreateSupportStaffDocument);
  const [values, setValues] = useState<PersonValues>(EMPTY);
  const [role, setRole] = useState<SupportStaffRole>('SUPPORT_AGENT');
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [fieldError, setFieldError] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // A new form (fresh fields) after each addition.
  const [formKey, setFormKey] = useState(0);

  if (!canOperatePlatform(viewer)) return <NotAllowed title={t('operator.staff.title')} />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    const local = personProblems(values);
    setProblems(local);
    setFieldError(false);
    if (local.length) return;
    const result = await create({ input: supportStaffInput(values, role) });
    const payload = result.data?.createSupportStaff;
    const answer = answerProblems(payload?.problems, result.error, ['lastName', 'firstName', 'email', 'role']);
    setProblems(answer.problems);
    setFieldError(answer.fieldError);
    const contact = payload?.contact;
    if (contact) {
      setNotice(
        t('operator.staff.done', {
          name: `${contact.firstName} ${contact.lastName}`,
          role: t(`roles.${contact.providerRole ?? role}`),
          email: contact.email,
        }),
      );
      setValues(EMPTY);
      setRole('SUPPORT_AGENT');
      setFormKey((k) => k + 1);
    }
  }

  return (
    <div className="page-operator">
      <OperatorNav />
      <h1>{t('operator.staff.title')}</h1>
      <p className="notice" role="status">
        {notice}
      </p>
      <section className="card narrow-card" aria-labelledby="staff-form-title">
        <h2 id="staff-form-title">{t('operator.staff.formTitle')}</h2>
        <form key={formKey} className="form" onSubmit={submit} noValidate aria-busy={fetching}>
          <p className="hint">{t('operator.staff.hint')}</p>
          {error && !fieldError && <ErrorMessage error={error} />}
          <PersonFields values={values} onChange={setValues} problems={problems} />
          <fieldset className="radio-group">
            <legend>{t('operator.staff.role')}</legend>
            {STAFF_ROLES.map((r) => (
              <label key={r}>
                <input type="radio" name="staff-role" value={r} checked={role === r} onChange={() => setRole(r)} />{' '}
                {t(`roles.${r}`)} <span className="muted">– {t(`operator.staff.roleHints.${r}`)}</span>
              </label>
            ))}
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={fetching}>
              {t('operator.staff.submit')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
