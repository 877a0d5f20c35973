import { render } from 'solid-js/web';

render(() => <h1>miStudio</h1>, document.getElementById('root')!);
