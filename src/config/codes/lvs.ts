// Codes reported by the lvs checks.
import { codes } from './define.js';

export const LVS_CODES = codes({});
