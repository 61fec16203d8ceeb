// Character codes the configuration's scanners compare: a large file has
// millions of characters, so they are read as numbers (charCodeAt), not as
// one-character strings.
export const TAB = 9;
export const CR = 13;
export const SPACE = 32;
export const DQUOTE = 34;
export const SQUOTE = 39;
export const BACKSLASH = 92;
export const LBRACE = 123;
export const RBRACE = 125;

/** ' ', \t \n \v \f \r: what separates words */
export const isBlank = (c: number): boolean => c === SPACE || (c >= TAB && c <= CR);
