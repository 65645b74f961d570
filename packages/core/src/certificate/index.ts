export * from './assessment.ts';
export * from './document.ts';
export * from './dual-certificate.ts';
export * from './issue.ts';
export * from './pdf.ts';
export * from './verify.ts';
