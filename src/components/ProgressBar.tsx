/** A bar for done/total; indeterminate while the total is unknown and work is under way. */
export function ProgressBar(props: { done: number; total: number; active?: boolean; label?: string }) {
  const fraction = () => (props.total > 0 ? Math.min(1, Math.max(0, props.done / props.total)) : 0);
  const indeterminate = () => props.total <= 0 && props.active === true;
  return (
    <div
      class="progress"
      classList={{ indeterminate: indeterminate() }}
      role="progressbar"
      aria-label={props.label ?? 'Progress'}
      aria-valuemin={0}
      aria-valuemax={props.total > 0 ? props.total : undefined}
      aria-valuenow={props.total > 0 ? props.done : undefined}
    >
      <span style={{ width: indeterminate() ? undefined : `${(fraction() * 100).toFixed(1)}%` }} />
    </div>
  );
}
