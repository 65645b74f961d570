import { create } from 'qrcode';
const content = 'https://vtc.linfen.gov.cn/verify/S123414141002264000123#eyJ2IjoxLCJudW1iZXIiOiJTMTIzNDE0MTQxMDAyMjY0MDAwMTIzIiwia2luZCI6IlNLSUxMX0xFVkVMIiwiaG9sZGVyTmFtZSI6Iuasp-mYs-aYjui9qSIsImhvbGRlcklkTWFza2VkIjoiMTQxMDAyKioqKioqKioxMjM0Iiwib2NjdXBhdGlvbkNvZGUiOiI0LTEwLTAxLTA1Iiwib2NjdXBhdGlvbk5hbWUiOiLlhbvogIHmiqTnkIblkZgiLCJsZXZlbCI6IkxFVkVMXzQiLCJsZXZlbE5hbWUiOiLkuK3nuqflt6UiLCJpc3N1ZXJOYW1lIjoi5Li05rG-5biC6IGM5Lia5oqA6IO96Ym05a6a5oyH5a-85Lit5b-DIiwiaXNzdWVyQ29kZSI6IjEyMTQxMDAwTUIxMjM0NTY3WCIsImlzc3VlZE9uIjoiMjAyNi0xMS0yMiJ9.YYpvEB9vypoB7iSfGSQo9PUtgGRaMZ5Jd8twR5uqTGd5IBCrsHlBpkYEX7wC11D-3s1KprP2CL176GxugKm_DQ.vtc-2026-01';
for (const [name, f] of [
  ['auto', () => create(content, { errorCorrectionLevel: 'M' })],
  ['byte', () => create([{ data: content, mode: 'byte' }], { errorCorrectionLevel: 'M' })],
  ['byte+mask', () => create([{ data: content, mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 0 })],
] as const) {
  let q = f(); const t = performance.now(); for (let i = 0; i < 300; i++) q = f();
  console.log(name, ((performance.now() - t) / 300).toFixed(2), 'ms', 'version', q.version, 'mask', q.maskPattern, q.segments.map((s) => s.mode.id).join(','));
}
