/**
 * Test helpers that read a certificate PDF back, in JavaScript only (pdfjs-dist, Mozilla's PDF
 * reader, a dev dependency): no poppler-utils or any other system program, so the tests run on a
 * machine with only Node, PostgreSQL and Redis. Import from `@vtc/certificates/testing` in tests
 * only (pdfjs-dist is not installed with production dependencies).
 */

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
// A variable, not a literal: pdfjs-dist has no type declarations for its worker module.
const WORKER: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
/**
 * The legacy build is the one meant for Node (no DOM). Its worker code runs in this thread; it is
 * imported here and handed over as `globalThis.pdfjsWorker`, which pdf.js uses instead of
 * importing it on the first `getDocument`.
 */
const load = (): Promise<PdfJs> => {
  pdfjs ??= Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import(WORKER) as Promise<unknown>]).then(([lib, worker]) => {
    const g = globalThis as { pdfjsWorker?: unknown };
    g.pdfjsWorker ??= worker;
    return lib;
  });
  return pdfjs;
};
// Loading pdf.js takes 1–3 s; start when a test file imports this module, so that a read-back in
// the middle of a test (between two requests to a test server, say) is as quick as pdftotext was.
load().catch(() => {});

async function open(pdf: Uint8Array) {
  const { getDocument } = await load();
  // getDocument may transfer (detach) the buffer it is given: pass a copy.
  return getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
}

const HAN = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef';
const SPACE_BETWEEN_HAN = new RegExp(`(?<=[${HAN}]) +(?=[${HAN}])`, 'gu');

/**
 * The text of every page, as the PDF's ToUnicode maps give it (what copy-and-paste and screen
 * readers see): one line per text line. Spaces pdf.js infers between spaced-out Chinese
 * characters (the title is drawn with character spacing) are removed, so `职业技能等级证书`
 * reads as one word, as it does in pdftotext.
 */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const doc = await open(pdf);
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      pages.push(text.replace(SPACE_BETWEEN_HAN, ''));
    }
    return pages.join('\f');
  } finally {
    await doc.destroy();
  }
}

interface Canvas2D {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

/**
 * A page drawn by pdf.js (through its Node canvas, @napi-rs/canvas) as 8-bit grey pixels, `dpi`
 * pixels per inch, row by row from the top-left corner: like pdftoppm's `-gray` output.
 */
export async function rasterizePdf(pdf: Uint8Array, dpi: number, pageNumber = 1): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  const doc = await open(pdf);
  try {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale: dpi / 72 });
    const width = Math.floor(viewport.width);
    const height = Math.floor(viewport.height);
    // pdf.js's own Node canvas factory (@napi-rs/canvas, installed with pdfjs-dist).
    const factory = doc.canvasFactory as { create(w: number, h: number): { canvas: unknown; context: Canvas2D } };
    const { canvas, context } = factory.create(width, height);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<typeof page.render>[0]).promise;
    const rgba = context.getImageData(0, 0, width, height).data;
    const pixels = new Uint8Array(width * height);
    for (let i = 0; i < pixels.length; i++) {
      // ITU-R BT.601 luma, as pdftoppm -gray.
      pixels[i] = Math.round(0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!);
    }
    return { width, height, pixels };
  } finally {
    await doc.destroy();
  }
}
