// Writes the `config` part of helm/breakwater/values.schema.json from the config schema (run `npm run chart:schema` after changing it).
import { readFileSync, writeFileSync } from 'node:fs';
import { chartConfigSchema } from '../dist/config/chart-schema.js';

const file = new URL('../helm/breakwater/values.schema.json', import.meta.url);
const values = JSON.parse(readFileSync(file, 'utf8'));
values.properties.config = chartConfigSchema();
writeFileSync(file, `${JSON.stringify(values, null, 2)}\n`);
console.log('wrote helm/breakwater/values.schema.json');
