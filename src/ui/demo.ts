/**
 * The bundled demos, served from this origin:
 * - `bank`: UCI Bank Marketing (CC BY 4.0) and a lead-scoring MLP trained on it by
 *   `npm run demo:model`.
 */
export const DEMOS = {
  bank: {
    title: 'Bank Marketing leads (UCI)',
    button: 'Open the bank demo',
    csv: 'demo/bank/bank-full.csv',
    fileName: 'bank-full.csv',
    model: ['demo/bank/model.json', 'demo/bank/model.weights.bin'],
    manifest: 'demo/bank/model.manifest.json',
    modelName: 'Bank demo lead score (MLP)',
    credit:
      'Data: Moro, S., Rita, P. & Cortez, P. (2014). Bank Marketing [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5K306. CC BY 4.0.',
  },
} as const;

export type DemoName = keyof typeof DEMOS;

export function demoFromUrl(search: string): DemoName | null {
  const v = new URLSearchParams(search).get('demo');
  return v && v in DEMOS ? (v as DemoName) : null;
}

/** Same-origin fetch of a demo file (relative to the app's base URL). */
export async function fetchDemoFile(path: string): Promise<ArrayBuffer> {
  const res = await fetch(new URL(path, document.baseURI));
  if (!res.ok) throw new Error(`could not load the demo file ${path} (HTTP ${res.status})`);
  return res.arrayBuffer();
}
