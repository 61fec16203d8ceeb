// `npm run docs`: writes docs/errors.md and docs/keywords.md from the code
// tables and the keyword schemas (src/config/docs.ts). test/unit/docs.test.ts
// fails when a code or keyword was added without running this.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorsDoc, renderKeywordsDoc } from '../config/docs.js';
import { packageRoot } from './package.js';

const docs = join(packageRoot(), 'docs');
for (const [name, text] of [['errors.md', renderErrorsDoc()], ['keywords.md', renderKeywordsDoc()]] as const) {
  writeFileSync(join(docs, name), text);
  console.log(`wrote docs/${name}`);
}
