// The Training tab: training templates with their architecture, size, sparsity setting and schedule, and a
// "Use" action that opens the training form with the template's settings.
import { useNavigate } from '@solidjs/router';
import { ARCHITECTURE_LABELS } from '../../domain/templates';
import { ARCHITECTURES } from '../../sae/config';
import { trainingTemplates, type TrainingTemplateRow } from '../../services/templates';
import { formatCount, formatParam } from './format';
import type { FormField } from './formFields';
import { TemplatesTab, type Column } from './TemplatesTab';
import { NEW_TRAINING_VALUES, TRAINING_FORM_FIELDS, TRAINING_FORM_GROUPS } from './trainingForm';
import { NameCell } from './NameCell';
import { ScaleOutButton } from '../interop/ScaleOutDialog';

const COLUMNS: readonly Column<TrainingTemplateRow>[] = [
  { id: 'name', label: 'Name', sortField: 'name', cell: (r) => <NameCell row={r} /> },
  { id: 'architecture', label: 'Architecture', sortField: 'architecture', cell: (r) => ARCHITECTURE_LABELS[r.architecture] },
  { id: 'dsae', label: 'd_sae', sortField: 'dSae', numeric: true, cell: (r) => (r.dSae === undefined && r.expansionFactor !== undefined ? `${r.expansionFactor} × d_in` : formatCount(r.dSae)) },
  { id: 'sparsity', label: 'Sparsity', cell: sparsity },
  { id: 'lr', label: 'lr', sortField: 'lr', numeric: true, cell: (r) => formatParam(r.lr) },
  { id: 'steps', label: 'Steps', sortField: 'totalSteps', numeric: true, cell: (r) => formatCount(r.totalSteps) },
  { id: 'batch', label: 'Batch', sortField: 'batchSize', numeric: true, cell: (r) => formatCount(r.batchSize) },
];

function sparsity(r: TrainingTemplateRow): string {
  const c = r.config;
  switch (r.architecture) {
    case 'topk':
    case 'batchtopk':
      return c.k === undefined ? 'k default' : `k = ${c.k}`;
    case 'relu':
      return c.l1_coefficient === undefined ? 'L1 default' : `L1 coef. ${formatParam(c.l1_coefficient)}`;
    case 'jumprelu':
      return c.l0_coefficient === undefined ? 'L0 default' : `L0 coef. ${formatParam(c.l0_coefficient)}`;
  }
}

/** The form's fields; a template saved with a cache or model source keeps it unless the user picks another. */
function fieldsFor(editing: TrainingTemplateRow | undefined): readonly FormField[] {
  const kept = editing?.source?.kind === 'cache' || editing?.source?.kind === 'model' ? editing.source : undefined;
  if (!kept) return TRAINING_FORM_FIELDS;
  const label = kept.kind === 'cache' ? 'As saved: cached activations' : `As saved: model, hook ${kept.hook}`;
  return TRAINING_FORM_FIELDS.map((f) => (f.path === 'source.kind' ? { ...f, choices: [...(f.choices ?? []), { value: kept.kind, label }] } : f));
}

function toInput(input: Record<string, unknown>, editing: TrainingTemplateRow | undefined): Record<string, unknown> {
  const source = input.source as { kind?: unknown } | undefined;
  if ((source?.kind === 'cache' || source?.kind === 'model') && editing?.source?.kind === source.kind) return { ...input, source: editing.source };
  return input;
}

export function TrainingTab() {
  const navigate = useNavigate();
  return (
    <TemplatesTab
      kind="training"
      service={trainingTemplates}
      columns={COLUMNS}
      filters={[
        {
          field: 'architecture',
          label: 'Architecture',
          choices: [{ value: '', label: 'All architectures' }, ...ARCHITECTURES.map((a) => ({ value: a, label: ARCHITECTURE_LABELS[a] }))],
        },
      ]}
      form={{ groups: TRAINING_FORM_GROUPS, fields: fieldsFor, newValues: NEW_TRAINING_VALUES, toInput }}
      rowActions={(row) => (
        <>
          <button class="small primary" data-testid="row-use" title="Start a training from this template" onClick={() => navigate(`/training/new?template=${encodeURIComponent(row.id)}`)}>
            Use
          </button>
          <ScaleOutButton template={row} />
        </>
      )}
    />
  );
}

