/**
 * Validates SOAP documents against Workday's Recruiting schema (test/specs/workday/Recruiting.xsd,
 * cut from Workday's WSDL; PROVENANCE.md) inside a SOAP 1.1 envelope schema, with libxml2 compiled
 * to WebAssembly (xmllint-wasm). One libxml2 run costs a few hundred milliseconds, mostly parsing
 * the schema, so documents are queued and validated in batches; `flush()` returns every violation.
 */
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

const dir = new URL('../specs/workday/', import.meta.url);
const ENVELOPE = { fileName: 'soap-envelope.xsd', contents: readFileSync(new URL('soap-envelope.xsd', dir), 'utf8') };
const RECRUITING = { fileName: 'Recruiting.xsd', contents: readFileSync(new URL('Recruiting.xsd', dir), 'utf8') };
const BATCH = 400;

export class WorkdayXsdCheck {
  private queue: { label: string; xml: string }[] = [];
  readonly violations: string[] = [];

  add(label: string, xml: string): void {
    this.queue.push({ label, xml });
  }

  /** Validates everything queued so far; returns all violations found (this batch and earlier). */
  async flush(): Promise<string[]> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      const res = await validateXML({
        xml: batch.map((d, i) => ({ fileName: `doc${i}.xml`, contents: d.xml })),
        schema: [ENVELOPE],
        preload: [RECRUITING],
      });
      for (const e of res.errors) {
        const i = Number(/^doc(\d+)\.xml$/.exec(e.loc?.fileName ?? '')?.[1] ?? -1);
        this.violations.push(`${batch[i]?.label ?? 'document'}: ${e.message.trim()}`);
      }
    }
    return this.violations;
  }
}
