import { render } from 'solid-js/web';
import { App } from './app/App';
import { installDebugHook } from './app/debugHook';
import { registerServiceWorker } from './app/pwa';
import './app/theme.css';
import { startJobScheduler } from './jobs/runtime';
import { ensureBuiltInTemplates } from './services/templates';

const root = document.getElementById('root');
if (!root) throw new Error('miStudio: index.html lacks the #root element.');

render(() => <App />, root);
registerServiceWorker();
startJobScheduler();
// Built-in starter templates must exist before any page (e.g. the training form's ?template=) asks for them.
void ensureBuiltInTemplates();
installDebugHook();
