import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { InputProblem, RequestCategory, RequestKind, Urgency } from '../gql/graphql';
import { ErrorMessage, Loading } from '../components/Status';
import { FieldShell } from '../components/FieldShell';
import { usePageTitle } from '../components/usePageTitle';
import { reasonMessage } from '../graphql/errors';
import { useSession } from '../session';
import { DraftAttachments, type DraftFile } from '../request/DraftAttachments';
import { CATEGORIES, KINDS, URGENCIES } from '../request/listParams';
import { problemFor } from '../forms';
import {
  EMPTY_REQUEST_FORM as EMPTY,
  fieldId,
  fieldLabelKey,
  fromDraft,
  toInput,
  type Draft,
  type RequestFormValues as Values,
} from '../request/requestForm';

const DraftDocument = graphql(`
  query Draft($id: ID!) {
    request(id: $id) {
      id
      state
      version
      category
      kind
      urgency
      title
      description
      product
      environment {
        module
        os
        browser
        version
      }
      regression
      startedOn
      happenedBefore
      affectedUsers
      externalReference
      tag
      notifyEmails
      followUp
      followUpOf {
        id
        humanId
        title
      }
      attachments {
        id
        fileName
        sizeBytes
        url
      }
      submissionProblems {
        field
        reason
        message
      }
    }
  }
`);

const FollowedRequestDocument = graphql(`
  query FollowedRequest($humanId: String!) {
    request(humanId: $humanId) {
      id
      humanId
      title
      state
    }
  }
`);

const SaveDraftDocument = graphql(`
  mutation SaveRequestDraft($input: SaveRequestDraftInput!) {
    saveRequestDraft(input: $input) {
      request {
        id
        version
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);

const SubmitDocument = graphql(`
  mutation SubmitRequest($input: SubmitRequestInput!) {
    submitRequest(input: $input) {
      request {
        id
        humanId
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);


export default function NewRequestPage() {
  const [params] = useSearchParams();
  const location = useLocation();
  const draftId = params.get('draft');
  const followUpOf = draftId ? null : params.get('followUpOf');
  const [{ data, fetching, error }] = useQuery({
    query: DraftDocument,
    variables: { id: draftId ?? '' },
    pause: !draftId,
    requestPolicy: 'network-only',
  });
  const [followed] = useQuery({
    query: FollowedRequestDocument,
    variables: { humanId: followUpOf ?? '' },
    pause: !followUpOf,
  });
  if (followUpOf) {
    if (followed.error) return <ErrorMessage error={followed.error} />;
    if (!followed.data) return <Loading />;
    const source = followed.data.request;
    const usable = source && source.state === 'CLOSED' && source.humanId ? { ...source, humanId: source.humanId } : null;
    return <RequestForm key={location.key} draft={null} followUpOf={usable} />;
  }
  // A fresh form on every visit of "New request"; a created draft keeps its ID in the form.
  if (!draftId) return <RequestForm key={location.key} draft={null} />;
  if (error) return <ErrorMessage error={error} />;
  if (fetching || !data) return <Loading />;
  const draft = data.request;
  if (!draft || draft.state !== 'DRAFT') return <RequestForm key={location.key} draft={null} />;
  return <RequestForm key={draft.id} draft={draft} />;
}

interface FollowedRequest {
  id: string;
  humanId?: string | null;
  title?: string | null;
}

function RequestForm({ draft, followUpOf = null }: { draft: Draft | null; followUpOf?: FollowedRequest | null }) {
  const follows = draft?.followUpOf ?? followUpOf;
  const { t } = useTranslation();
  const { viewer } = useSession();
  const navigate = useNavigate();
  const [values, setValues] = useState<Values>(draft ? fromDraft(draft) : EMPTY);
  const [saved, setSaved] = useState<{ id: string; version: number } | null>(
    draft ? { id: draft.id, version: draft.version } : null,
  );
  const [problems, setProblems] = useState<InputProblem[]>(draft?.submissionProblems ?? []);
  const [files, setFiles] = useState<DraftFile[]>(draft?.attachments ?? []);
  const [status, setStatus] = useState<string | null>(null);
  const [creationKey] = useState(() => crypto.randomUUID());
  const [saveState, save] = useMutation(SaveDraftDocument);
  const [submitState, submit] = useMutation(SubmitDocument);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [showSummary, setShowSummary] = useState(false);
  usePageTitle(t('newRequest.title'));

  useEffect(() => {
    if (showSummary) summaryRef.current?.focus();
  }, [showSummary, problems]);

  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const problemOf = (field: string) => problemFor(problems, field);

  async function saveDraft(): Promise<{ id: string; version: number; problems: InputProblem[] } | null> {
    const result = await save({
      input: {
        form: toInput(values),
        ...(saved
          ? { requestId: saved.id, version: saved.version }
          : { idempotencyKey: creationKey, ...(followUpOf ? { followUpOf: followUpOf.id } : {}) }),
      },
    });
    const payload = result.data?.saveRequestDraft;
    if (!payload) return null;
    const next = { id: payload.request.id, version: payload.request.version };
    setSaved(next);
    setProblems(payload.problems);
    return { ...next, problems: payload.problems };
  }

  async function onSave() {
    setStatus(null);
    const result = await saveDraft();
    if (result) {
      setShowSummary(false);
      setStatus(t('newRequest.saved'));
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setStatus(null);
    const result = await saveDraft();
    if (!result) return;
    if (result.problems.length > 0) {
      setShowSummary(true);
      return;
    }
    const submitted = await submit({ input: { requestId: result.id, version: result.version } });
    const payload = submitted.data?.submitRequest;
    if (!payload) return;
    if (payload.request?.humanId) {
      navigate(`/requests/${payload.request.humanId}`, { replace: true });
      return;
    }
    setProblems(payload.problems);
    setShowSummary(true);
  }

  const busy = saveState.fetching || submitState.fetching;
  const error = saveState.error ?? submitState.error;

  const field = (name: keyof Values, label: string, control: (describedBy: string | undefined) => ReactNode, hint?: string) => {
    const problem = problemOf(name);
    return (
      <FieldShell
        id={fieldId(name)}
        label={label}
        hint={hint}
        problem={problem && reasonMessage(t, problem.reason, problem.message)}
        control={control}
      />
    );
  };
  const invalid = (name: keyof Values) => (problemOf(name) ? true : undefined);
  const input = (name: keyof Values, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (describedBy?: string) => (
    <input
      id={fieldId(name)}
      value={String(values[name])}
      onChange={(e) => set(name, e.target.value as never)}
      aria-invalid={invalid(name)}
      aria-describedby={describedBy}
      {...extra}
    />
  );

  return (
    <div className="new-request">
      <h1>{t('newRequest.title')}</h1>
      <p className="hint">
        {t('newRequest.intro', { company: viewer?.contact?.company?.name ?? '' })}
      </p>
      {follows?.humanId && (
        <p className="follow-up-note">
          {t('followUp.note')}{' '}
          <Link to={`/requests/${follows.humanId}`}>{follows.humanId}</Link>
          {follows.title ? ` – ${follows.title}` : ''}
        </p>
      )}
      {showSummary && problems.length > 0 && (
        <div className="status status-error summary" role="alert" tabIndex={-1} ref={summaryRef}>
          <p>{t('newRequest.recap', { count: problems.length })}</p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.field}-${p.reason}`}>
                <a href={`#${fieldId(p.field)}`}>
                  {t('newRequest.recapItem', {
                    field: fieldLabel(t, p.field),
                    problem: reasonMessage(t, p.reason, p.message),
                  })}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
      <p className="notice" role="status">
        {status}
      </p>
      <form className="form card" onSubmit={onSubmit} noValidate>
        <fieldset>
          <legend>{t('newRequest.about')}</legend>
          {field('category', t('fields.category'), (d) => (
            <select
              id={fieldId('category')}
              value={values.category}
              onChange={(e) => set('category', e.target.value as RequestCategory | '')}
              aria-invalid={invalid('category')}
              aria-describedby={d}
            >
              <option value="">{t('newRequest.choose')}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`categories.${c}`)}
                </option>
              ))}
            </select>
          ))}
          {values.category === 'SOFTWARE_USAGE' &&
            field('kind', t('fields.kind'), (d) => (
              <select
                id={fieldId('kind')}
                value={values.kind}
                onChange={(e) => set('kind', e.target.value as RequestKind | '')}
                aria-invalid={invalid('kind')}
                aria-describedby={d}
              >
                <option value="">{t('newRequest.choose')}</option>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`kinds.${k}`)}
                  </option>
                ))}
              </select>
            ))}
          {field('urgency', t('fields.urgency'), (d) => (
            <select
              id={fieldId('urgency')}
              value={values.urgency}
              onChange={(e) => set('urgency', e.target.value as Urgency | '')}
              aria-invalid={invalid('urgency')}
              aria-describedby={d}
            >
              <option value="">{t('newRequest.choose')}</option>
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {t(`urgencies.${u}`)}
                </option>
              ))}
            </select>
          ))}
          {field('title', t('fields.title'), input('title', { maxLength: 200 }))}
          {field('description', t('fields.description'), (d) => (
            <textarea
              id={fieldId('description')}
              rows={8}
              maxLength={20000}
              value={values.description}
              onChange={(e) => set('description', e.target.value)}
              aria-invalid={invalid('description')}
              aria-describedby={d}
            />
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('newRequest.context')}</legend>
          {field('product', t('fields.product'), input('product', { maxLength: 200 }))}
          {field('module', t('fields.envModule'), input('module', { maxLength: 200 }))}
          {field('os', t('fields.envOs'), input('os', { maxLength: 200 }))}
          {field('browser', t('fields.envBrowser'), input('browser', { maxLength: 200 }))}
          {field('version', t('fields.envVersion'), input('version', { maxLength: 200 }))}
          <div className="field field-check">
            <input
              type="checkbox"
              id={fieldId('regression')}
              checked={values.regression}
              onChange={(e) => set('regression', e.target.checked)}
            />
            <label htmlFor={fieldId('regression')}>{t('newRequest.regression')}</label>
          </div>
          {field('startedOn', t('fields.startedOn'), input('startedOn', { type: 'date' }))}
          {field('happenedBefore', t('fields.happenedBefore'), (d) => (
            <select
              id={fieldId('happenedBefore')}
              value={values.happenedBefore}
              onChange={(e) => set('happenedBefore', e.target.value as Values['happenedBefore'])}
              aria-describedby={d}
            >
              <option value="">{t('newRequest.dontKnow')}</option>
              <option value="yes">{t('common.yes')}</option>
              <option value="no">{t('common.no')}</option>
            </select>
          ))}
          {field('affectedUsers', t('fields.affectedUsers'), input('affectedUsers', { type: 'number', min: 1, inputMode: 'numeric' }))}
          {field('externalReference', t('fields.externalReference'), input('externalReference', { maxLength: 200 }))}
        </fieldset>
        <fieldset>
          <legend>{t('newRequest.followUp')}</legend>
          {field('tag', t('fields.tag'), input('tag', { maxLength: 100 }))}
          {field(
            'notifyEmails',
            t('newRequest.notifyEmails'),
            input('notifyEmails', { autoComplete: 'off', spellCheck: false }),
            t('newRequest.notifyEmailsHint'),
          )}
          <div className="field field-check">
            <input
              type="checkbox"
              id={fieldId('followUp')}
              checked={values.followUp}
              onChange={(e) => set('followUp', e.target.checked)}
            />
            <label htmlFor={fieldId('followUp')}>{t('newRequest.followUpMail')}</label>
          </div>
        </fieldset>
        <DraftAttachments
          attachments={files}
          ensureDraft={async () => saved ?? (await saveDraft())}
          onChange={(list, version) => {
            setFiles(list);
            setSaved((s) => (s ? { ...s, version } : s));
          }}
        />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('newRequest.submit')}
          </button>
          <button type="button" disabled={busy} onClick={onSave}>
            {t('newRequest.save')}
          </button>
        </div>
      </form>
    </div>
  );
}

function fieldLabel(t: ReturnType<typeof useTranslation>['t'], field: string): string {
  const key = fieldLabelKey(field);
  return key ? t(key) : (field.split('.').pop() ?? field);
}
