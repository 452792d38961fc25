import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { InputProblem, RequestCategory, RequestKind, Urgency } from '../gql/graphql';
import { canDispatch, isSupportStaff } from '../capabilities';
import { personName } from '../components/format';
import { Modal } from '../components/Modal';
import { ErrorMessage, Loading } from '../components/Status';
import { firstCode, reasonMessage } from '../graphql/errors';
import { useSession } from '../session';
import type { RequestData } from './RequestPage';
import { CATEGORIES, KINDS, URGENCIES } from './listParams';

const SupportStaffDocument = graphql(`
  query SupportStaff {
    supportStaff {
      id
      firstName
      lastName
      providerRole
    }
  }
`);

const AssignRequestDocument = graphql(`
  mutation AssignRequest($input: AssignRequestInput!) {
    assignRequest(input: $input) {
      request {
        id
        version
        assignee {
          id
          firstName
          lastName
        }
      }
    }
  }
`);

const ReclassifyRequestDocument = graphql(`
  mutation ReclassifyRequest($input: UpdateRequestInput!) {
    updateRequest(input: $input) {
      request {
        id
        version
        category
        kind
        urgency
        product
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);


/**
 * The support's own tools on an open request: take it, give it to an agent (managers), and
 * reclassify it. `onDone` gets a sentence for the page's notice; the caller reads the request
 * again.
 */
export function SupportTools({
  request,
  onDone,
  onStale,
}: {
  request: RequestData;
  onDone: (notice: string) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const [take, takeRequest] = useMutation(AssignRequestDocument);
  const [dialog, setDialog] = useState<'assign' | 'reclassify' | null>(null);
  if (!isSupportStaff(viewer) || request.state === 'CLOSED' || request.state === 'DRAFT') return null;
  const mine = request.assignee?.id === viewer?.contact?.id;

  return (
    <div className="support-tools">
      <div className="action-bar" role="group" aria-label={t('support.tools')}>
        {!mine && (
          <button
            type="button"
            disabled={take.fetching}
            onClick={async () => {
              const result = await takeRequest({ input: { requestId: request.id, version: request.version } });
              if (result.data) onDone(t('support.taken'));
              else if (result.error && firstCode(result.error) === 'CONFLICT') onStale();
            }}
          >
            {t('support.take')}
          </button>
        )}
        {canDispatch(viewer) && (
          <button type="button" onClick={() => setDialog('assign')}>
            {t('support.assign')}
          </button>
        )}
        <button type="button" onClick={() => setDialog('reclassify')}>
          {t('support.reclassify')}
        </button>
      </div>
      {take.error && <ErrorMessage error={take.error} />}
      {dialog === 'assign' && (
        <AssignDialog
          request={request}
          onStale={onStale}
          onClose={(name) => {
            setDialog(null);
            if (name) onDone(t('support.assigned', { name }));
          }}
        />
      )}
      {dialog === 'reclassify' && (
        <ReclassifyDialog
          request={request}
          onStale={onStale}
          onClose={(done) => {
            setDialog(null);
            if (done) onDone(t('support.reclassified'));
          }}
        />
      )}
    </div>
  );
}

function AssignDialog({
  request,
  onClose,
  onStale,
}: {
  request: RequestData;
  onClose: (name: string | null) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const [staff] = useQuery({ query: SupportStaffDocument });
  const [{ fetching, error }, assign] = useMutation(AssignRequestDocument);
  const [agentId, setAgentId] = useState(request.assignee?.id ?? '');
  const [missing, setMissing] = useState(false);
  const selectId = useId();
  const people = staff.data?.supportStaff ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!agentId) {
      setMissing(true);
      return;
    }
    const result = await assign({ input: { requestId: request.id, version: request.version, agentId } });
    if (result.data) onClose(personName(people.find((p) => p.id === agentId)));
    else if (result.error && firstCode(result.error) === 'CONFLICT') onStale();
  }

  return (
    <Modal title={t('support.assignTitle')} onClose={() => onClose(null)}>
      <form className="form" onSubmit={submit} noValidate>
        {error && <ErrorMessage error={error} />}
        {staff.error && <ErrorMessage error={staff.error} />}
        {staff.fetching && !staff.data ? (
          <Loading />
        ) : (
          <div className="field">
            <label htmlFor={selectId}>{t('support.agent')}</label>
            <select
              id={selectId}
              value={agentId}
              aria-invalid={missing ? true : undefined}
              aria-describedby={missing ? `${selectId}-problem` : undefined}
              onChange={(e) => {
                setAgentId(e.target.value);
                setMissing(false);
              }}
            >
              <option value="">{t('newRequest.choose')}</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {personName(p)}
                  {p.providerRole ? ` (${t(`roles.${p.providerRole}`)})` : ''}
                </option>
              ))}
            </select>
            {missing && (
              <p className="field-problem" id={`${selectId}-problem`}>
                {t('problems.REQUIRED')}
              </p>
            )}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t('support.assignSubmit')}
          </button>
          <button type="button" onClick={() => onClose(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ReclassifyDialog({
  request,
  onClose,
  onStale,
}: {
  request: RequestData;
  onClose: (done: boolean) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, reclassify] = useMutation(ReclassifyRequestDocument);
  const [category, setCategory] = useState<RequestCategory | ''>(request.category ?? '');
  const [kind, setKind] = useState<RequestKind | ''>(request.kind ?? '');
  const [urgency, setUrgency] = useState<Urgency | ''>(request.urgency ?? '');
  const [product, setProduct] = useState(request.product ?? '');
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const ids = { category: useId(), kind: useId(), urgency: useId(), product: useId() };
  const problemOf = (field: string) => problems.find((p) => p.field === field || p.field.endsWith(`.${field}`));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = {
      requestId: request.id,
      version: request.version,
      ...(category && category !== request.category ? { category } : {}),
      ...(kind && kind !== request.kind ? { kind } : {}),
      ...(urgency && urgency !== request.urgency ? { urgency } : {}),
      ...(product.trim() !== (request.product ?? '') ? { product: product.trim() } : {}),
    };
    if (Object.keys(input).length === 2) {
      onClose(false);
      return;
    }
    const result = await reclassify({ input });
    const payload = result.data?.updateRequest;
    if (payload) {
      setProblems(payload.problems);
      if (payload.request) onClose(true);
    } else if (result.error && firstCode(result.error) === 'CONFLICT') onStale();
  }

  const problemText = (field: string) => {
    const problem = problemOf(field);
    return problem ? (
      <p className="field-problem" id={`${field}-problem`}>
        {reasonMessage(t, problem.reason, problem.message)}
      </p>
    ) : null;
  };
  const described = (field: string) => (problemOf(field) ? `${field}-problem` : undefined);

  return (
    <Modal title={t('support.reclassifyTitle')} onClose={() => onClose(false)}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="hint">{t('support.reclassifyHint')}</p>
        {error && <ErrorMessage error={error} />}
        <div className="field">
          <label htmlFor={ids.category}>{t('fields.category')}</label>
          <select
            id={ids.category}
            value={category}
            aria-describedby={described('category')}
            onChange={(e) => setCategory(e.target.value as RequestCategory)}
          >
            {!request.category && <option value="">{t('newRequest.choose')}</option>}
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`categories.${c}`)}
              </option>
            ))}
          </select>
          {problemText('category')}
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>{t('fields.kind')}</label>
          <select
            id={ids.kind}
            value={kind}
            aria-describedby={described('kind')}
            onChange={(e) => setKind(e.target.value as RequestKind)}
          >
            {!request.kind && <option value="">{t('newRequest.choose')}</option>}
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
          {problemText('kind')}
        </div>
        <div className="field">
          <label htmlFor={ids.urgency}>{t('fields.urgency')}</label>
          <select
            id={ids.urgency}
            value={urgency}
            aria-describedby={described('urgency')}
            onChange={(e) => setUrgency(e.target.value as Urgency)}
          >
            {!request.urgency && <option value="">{t('newRequest.choose')}</option>}
            {URGENCIES.map((u) => (
              <option key={u} value={u}>
                {t(`urgencies.${u}`)}
              </option>
            ))}
          </select>
          {problemText('urgency')}
        </div>
        <div className="field">
          <label htmlFor={ids.product}>{t('fields.product')}</label>
          <input
            id={ids.product}
            value={product}
            maxLength={200}
            aria-invalid={problemOf('product') ? true : undefined}
            aria-describedby={described('product')}
            onChange={(e) => setProduct(e.target.value)}
          />
          {problemText('product')}
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t('support.reclassifySubmit')}
          </button>
          <button type="button" onClick={() => onClose(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
