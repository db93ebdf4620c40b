// Writes docs/configuration.md from the config schema (run `npm run docs:config` after changing it).
import { writeFileSync } from 'node:fs';
import { renderConfigDocs } from '../dist/config/docs.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigDocs());
console.log('wrote docs/configuration.md');
