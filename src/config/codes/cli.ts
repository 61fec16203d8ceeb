// Codes reported by the cli checks.
import { codes } from './define.js';

export const CLI_CODES = codes({});
