// Codes reported by the vrrp checks.
import { codes } from './define.js';

export const VRRP_CODES = codes({});
