import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { InputProblem, Language, OperatorCompanyFragment } from '../gql/graphql';
import { Modal } from '../components/Modal';
import { ErrorMessage } from '../components/Status';
import { firstCode } from '../graphql/errors';
import { DEFAULT_AUTO_CLOSE_SECONDS, DEFAULT_REOPEN_SECONDS, toDaysHours } from './durations';
import { answerProblems, DurationFieldset, problemOf, TextField } from './fields';
import {
  COMPANY_NAME_MAX,
  companyProblems,
  createCompanyInput,
  durationsProblems,
  durationValues,
  LANGUAGES,
  newIdempotencyKey,
  PERSON_NAME_MAX,
  personProblems,
  securityAdministratorInput,
  setDurationsInput,
  type CompanyValues,
  type DurationValues,
  type PersonValues,
} from './operatorForm';
import { CreateCompanyDocument, CreateSecurityAdministratorDocument, SetCompanyDurationsDocument } from './operations';

const COMPANY_FIELDS = ['name', 'language', 'requireTwoFactor', 'autoCloseAfterSeconds', 'reopenWindowSeconds'];
const DURATION_FIELDS = ['autoCloseAfterSeconds', 'reopenWindowSeconds'];
const PERSON_FIELDS = ['lastName', 'firstName', 'email'];

function FormActions({ submit, busy, onCancel }: { submit: string; busy: boolean; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="button-primary" disabled={busy}>
        {submit}
      </button>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

export function CreateCompanyDialog({
  onClose,
}: {
  onClose: (created: { company: OperatorCompanyFragment; replayed: boolean } | null) => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, create] = useMutation(CreateCompanyDocument);
  // One key per form: a second press, or a retry after a lost answer, cannot make a second company.
  const [idempotencyKey] = useState(() => newIdempotencyKey());
  const sending = useRef(false);
  const [values, setValues] = useState<CompanyValues>({
    name: '',
    language: 'EN',
    requireTwoFactor: false,
    autoClose: toDaysHours(DEFAULT_AUTO_CLOSE_SECONDS),
    reopen: toDaysHours(DEFAULT_REOPEN_SECONDS),
  });
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [fieldError, setFieldError] = useState(false);
  const ids = { language: useId(), twoFactor: useId() };
  const set = (next: Partial<CompanyValues>) => setValues((v) => ({ ...v, ...next }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    const local = companyProblems(values);
    setProblems(local);
    setFieldError(false);
    if (local.length) return;
    sending.current = true;
    try {
      const result = await create({ input: createCompanyInput(values, idempotencyKey) });
      const payload = result.data?.createCompany;
      const answer = answerProblems(payload?.problems, result.error, COMPANY_FIELDS);
      setProblems(answer.problems);
      setFieldError(answer.fieldError);
      if (payload?.company) onClose({ company: payload.company, replayed: payload.replayed });
    } finally {
      sending.current = false;
    }
  }

  return (
    <Modal title={t('operator.create.title')} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate aria-busy={fetching}>
        <p className="hint">{t('operator.create.hint')}</p>
        {error && !fieldError && <ErrorMessage error={error} />}
        <TextField
          label={t('operator.create.name')}
          value={values.name}
          onChange={(name) => set({ name })}
          problem={problemOf(problems, 'name')}
          maxLength={COMPANY_NAME_MAX}
          autoComplete="off"
        />
        <div className="field">
          <label htmlFor={ids.language}>{t('operator.create.language')}</label>
          <select
            id={ids.language}
            value={values.language}
            onChange={(e) => set({ language: e.target.value as Language })}
          >
            {LANGUAGES.map((lang) => (
              <option key={lang} value={lang}>
                {t(`operator.languages.${lang}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-check">
          <input
            id={ids.twoFactor}
            type="checkbox"
            checked={values.requireTwoFactor}
            onChange={(e) => set({ requireTwoFactor: e.target.checked })}
          />
          <label htmlFor={ids.twoFactor}>{t('operator.create.requireTwoFactor')}</label>
        </div>
        <DurationFieldset
          field="autoCloseAfterSeconds"
          value={values.autoClose}
          onChange={(autoClose) => set({ autoClose })}
          problem={problemOf(problems, 'autoCloseAfterSeconds')}
        />
        <DurationFieldset
          field="reopenWindowSeconds"
          value={values.reopen}
          onChange={(reopen) => set({ reopen })}
          problem={problemOf(problems, 'reopenWindowSeconds')}
        />
        <FormActions submit={t('operator.create.submit')} busy={fetching} onCancel={() => onClose(null)} />
      </form>
    </Modal>
  );
}

export function DurationsDialog({
  company,
  onClose,
}: {
  company: OperatorCompanyFragment;
  onClose: (saved: OperatorCompanyFragment | null) => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, save] = useMutation(SetCompanyDurationsDocument);
  const [values, setValues] = useState<DurationValues>(() => durationValues(company));
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [fieldError, setFieldError] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = durationsProblems(values);
    setProblems(local);
    setFieldError(false);
    if (local.length) return;
    const input = setDurationsInput(company, values);
    if (!input) {
      onClose(null);
      return;
    }
    const result = await save({ input });
    const payload = result.data?.setCompanyDurations;
    const answer = answerProblems(payload?.problems, result.error, DURATION_FIELDS);
    setProblems(answer.problems);
    setFieldError(answer.fieldError);
    if (payload?.company) onClose(payload.company);
  }

  return (
    <Modal title={t('operator.durations.title', { company: company.name })} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate aria-busy={fetching}>
        <p className="hint">{t('operator.durations.dialogHint')}</p>
        {error && !fieldError && <ErrorMessage error={error} />}
        <DurationFieldset
          field="autoCloseAfterSeconds"
          value={values.autoClose}
          onChange={(autoClose) => setValues((v) => ({ ...v, autoClose }))}
          problem={problemOf(problems, 'autoCloseAfterSeconds')}
        />
        <DurationFieldset
          field="reopenWindowSeconds"
          value={values.reopen}
          onChange={(reopen) => setValues((v) => ({ ...v, reopen }))}
          problem={problemOf(problems, 'reopenWindowSeconds')}
        />
        <FormActions submit={t('operator.durations.save')} busy={fetching} onCancel={() => onClose(null)} />
      </form>
    </Modal>
  );
}

/** The person fields shared by the first Security Administrator and support staff forms. */
export function PersonFields({
  values,
  onChange,
  problems,
}: {
  values: PersonValues;
  onChange: (values: PersonValues) => void;
  problems: InputProblem[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        label={t('operator.person.lastName')}
        value={values.lastName}
        onChange={(lastName) => onChange({ ...values, lastName })}
        problem={problemOf(problems, 'lastName')}
        maxLength={PERSON_NAME_MAX}
        autoComplete="off"
      />
      <TextField
        label={t('operator.person.firstName')}
        value={values.firstName}
        onChange={(firstName) => onChange({ ...values, firstName })}
        problem={problemOf(problems, 'firstName')}
        maxLength={PERSON_NAME_MAX}
        autoComplete="off"
      />
      <TextField
        label={t('operator.person.email')}
        value={values.email}
        onChange={(email) => onChange({ ...values, email })}
        problem={problemOf(problems, 'email')}
        type="email"
        autoComplete="off"
      />
    </>
  );
}

export function SecurityAdministratorDialog({
  company,
  onClose,
}: {
  company: OperatorCompanyFragment;
  onClose: (created: PersonValues | null) => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, create] = useMutation(CreateSecurityAdministratorDocument);
  const [values, setValues] = useState<PersonValues>({ lastName: '', firstName: '', email: '' });
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [fieldError, setFieldError] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = personProblems(values);
    setProblems(local);
    setFieldError(false);
    if (local.length) return;
    const result = await create({ input: securityAdministratorInput(company.id, values) });
    const payload = result.data?.createSecurityAdministrator;
    const answer = answerProblems(payload?.problems, result.error, PERSON_FIELDS);
    setProblems(answer.problems);
    setFieldError(answer.fieldError);
    if (payload?.contact) onClose(payload.contact);
  }

  // The API refuses a second one with a conflict on `companyId`: say it plainly.
  const already = error && firstCode(error) === 'CONFLICT';
  return (
    <Modal title={t('operator.securityAdmin.title', { company: company.name })} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate aria-busy={fetching}>
        <p className="hint">{t('operator.securityAdmin.hint', { language: t(`operator.languages.${company.language}`) })}</p>
        {already ? (
          <p className="status status-error" role="alert">
            {t('operator.securityAdmin.already')}
          </p>
        ) : (
          error && !fieldError && <ErrorMessage error={error} />
        )}
        <PersonFields values={values} onChange={setValues} problems={problems} />
        <FormActions submit={t('operator.securityAdmin.submit')} busy={fetching} onCancel={() => onClose(null)} />
      </form>
    </Modal>
  );
}
