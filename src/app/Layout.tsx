import { A, type RouteSectionProps } from '@solidjs/router';
import { For } from 'solid-js';
import { AREAS } from './areas';
import { UpdatePrompt } from './UpdatePrompt';

export function Layout(props: RouteSectionProps) {
  return (
    <div class="shell">
      <aside class="sidebar">
        <A href="/" class="brand" end>
          <img src="/icon.svg" alt="" />
          <span>miStudio</span>
        </A>
        <nav class="nav" aria-label="Studio areas">
          <For each={AREAS}>{(area) => <A href={area.path}>{area.label}</A>}</For>
        </nav>
        <div class="sidebar-footer">Runs locally · WebGPU</div>
      </aside>
      <main class="main">{props.children}</main>
      <UpdatePrompt />
    </div>
  );
}
