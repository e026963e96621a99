/**
 * Cuts the part of Workday's Recruiting schema that atsgate's Workday fake validates against out of
 * the WSDL Workday publishes (a copy is named in ./PROVENANCE.md): the root elements below and
 * every type they reach, with <xsd:annotation> blocks (documentation) dropped. The result is
 * ./Recruiting.xsd. Run: node --import tsx test/specs/workday/cut-xsd.ts <path to Recruiting.wsdl>
 */
import { readFileSync, writeFileSync } from 'node:fs';

const ROOTS = [
  'Get_Job_Requisitions_Request',
  'Get_Job_Requisitions_Response',
  'Get_Candidates_Request',
  'Get_Candidates_Response',
  'Get_Candidate_Attachments_Request',
  'Get_Candidate_Attachments_Response',
  'Put_Candidate_Attachment_Request',
  'Put_Candidate_Attachment_Response',
  'Assess_Candidate_Request',
  'Assess_Candidate_Response',
  'Validation_Fault',
  'Processing_Fault',
];

const wsdl = readFileSync(process.argv[2], 'utf8');
const schemaStart = wsdl.indexOf('<xsd:schema');
const schemaEnd = wsdl.indexOf('</xsd:schema>');
const schema = wsdl.slice(schemaStart, schemaEnd);
const open = schema.slice(0, schema.indexOf('>') + 1);
// Top-level declarations sit at one indentation in Workday's file; each runs to its own closing tag.
const blocks = new Map<string, string>();
const re = /^ {12}<xsd:(element|attribute|complexType|simpleType) name="([^"]+)"[^\n]*$/gm;
for (let m = re.exec(schema); m; m = re.exec(schema)) {
  const kind = m[1];
  const key = `${kind === 'element' || kind === 'attribute' ? kind : 'type'}:${m[2]}`;
  const selfClosing = m[0].trimEnd().endsWith('/>');
  const end = selfClosing ? m.index + m[0].length : schema.indexOf(`\n            </xsd:${kind}>`, m.index) + `\n            </xsd:${kind}>`.length;
  blocks.set(key, schema.slice(m.index, end));
}
const keep = new Set<string>();
const queue = [...ROOTS.map((r) => `element:${r}`), 'attribute:version'];
while (queue.length) {
  const key = queue.pop()!;
  if (keep.has(key)) continue;
  const block = blocks.get(key);
  if (!block) throw new Error(`not found: ${key}`);
  keep.add(key);
  for (const t of block.matchAll(/(?:type|base)="wd:([^"]+)"/g)) queue.push(`type:${t[1]}`);
  for (const t of block.matchAll(/ref="wd:([^"]+)"/g)) queue.push(`attribute:${t[1]}`);
}
const strip = (s: string) => s.replace(/\s*<xsd:annotation>[\s\S]*?<\/xsd:annotation>/g, '').replace(/\s*<xsd:annotation[^>]*\/>/g, '');
const out = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!-- Cut from Workday\'s Recruiting.wsdl (see PROVENANCE.md) by cut-xsd.ts: do not edit by hand. -->',
  open.replace('<xsd:schema', '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wd="urn:com.workday/bsvc"'),
  ...[...blocks.keys()].filter((k) => keep.has(k)).map((k) => strip(blocks.get(k)!)),
  '</xsd:schema>',
  '',
].join('\n');
writeFileSync(new URL('./Recruiting.xsd', import.meta.url), out);
console.log(`${keep.size} declarations, ${out.length} characters`);
