import { A } from '@solidjs/router';

export function NotFound() {
  return (
    <div class="page">
      <h1>Page not found</h1>
      <p class="muted">
        There is nothing at this address. Go back to the <A href="/">start page</A>.
      </p>
    </div>
  );
}
