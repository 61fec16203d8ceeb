// Codes reported by the host checks.
import { codes } from './define.js';

export const HOST_CODES = codes({});
