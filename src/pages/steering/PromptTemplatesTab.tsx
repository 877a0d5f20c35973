// Prompt templates in the shared template table (search, favourites, duplicate, edit, export, import), on
// the Steering page and as the Templates page's third tab.
import { useNavigate } from '@solidjs/router';
import { promptTemplates, type PromptTemplateRow } from '../../services/steeringTemplates';
import type { FormField, FormValues } from '../templates/formFields';
import { NameCell } from '../templates/NameCell';
import { TemplatesTab, type Column } from '../templates/TemplatesTab';

const GROUPS = [{ id: 'template', title: 'Prompt template' }] as const;

const FIELDS: readonly FormField[] = [
  { group: 'template', path: 'name', kind: 'text', label: 'Name', help: 'A name unique among your prompt templates.' },
  { group: 'template', path: 'description', kind: 'textarea', optional: true, label: 'Description', help: 'What the prompt is good for.' },
  { group: 'template', path: 'prompt', kind: 'textarea', label: 'Prompt', help: 'The text the model continues.' },
];

const NEW_VALUES: FormValues = { name: '', description: '', prompt: '' };

const COLUMNS: readonly Column<PromptTemplateRow>[] = [
  { id: 'name', label: 'Name', sortField: 'name', cell: (r) => <NameCell row={r} /> },
  { id: 'prompt', label: 'Prompt', sortField: 'prompt', cell: (r) => <span class="prompt-echo">{r.prompt}</span> },
];

export function PromptTemplatesTab() {
  const navigate = useNavigate();
  return (
    <TemplatesTab
      kind="prompt"
      service={promptTemplates}
      columns={COLUMNS}
      form={{ groups: GROUPS, fields: () => FIELDS, newValues: NEW_VALUES }}
      rowActions={(row) => (
        <button class="small" onClick={() => navigate(`/steering?template=${encodeURIComponent(row.id)}`)}>
          Use
        </button>
      )}
    />
  );
}
