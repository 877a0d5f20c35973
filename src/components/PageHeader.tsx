import type { JSX } from 'solid-js';

export function PageHeader(props: { title: string; children?: JSX.Element }) {
  return (
    <header class="page-header">
      <h1>{props.title}</h1>
      {props.children}
    </header>
  );
}
