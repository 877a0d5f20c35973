// The studio's name and version, written into every export so a file says what made it. Vite inlines
// only the imported field of package.json.
import { version } from '../../package.json';

export const APP_NAME = 'miStudio';
export const APP_VERSION: string = version;
