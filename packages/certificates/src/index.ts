export * from './payload.ts';
export * from './signing.ts';
export * from './qr.ts';
export * from './verify.ts';
export * from './fonts.ts';
export * from './pdf.ts';
export { FontFormatError, TrueTypeFont, listPostscriptNames } from './truetype.ts';
