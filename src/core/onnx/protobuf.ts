/**
 * Just enough of the protobuf wire format to read what an ONNX file says about its graph
 * without a protobuf library: the graph's nodes (op type, inputs, outputs, a few attributes),
 * its declared inputs and outputs, and the producer. ORT does the real parsing; this walk only
 * answers the questions ORT's JavaScript API cannot (which node feeds a ZipMap, and the
 * class labels of a classifier), and tells an ONNX file from something else.
 *
 * Field numbers (onnx.proto3): ModelProto ir_version 1, producer_name 2, producer_version 3,
 * graph 7, opset_import 8; GraphProto node 1, name 2, input 11, output 12; NodeProto input 1,
 * output 2, name 3, op_type 4, attribute 5, domain 7; AttributeProto name 1, i 3, s 4,
 * ints 8, strings 9; ValueInfoProto name 1.
 */

/** One field of a message: its number, wire type and where its payload lies. */
interface Field {
  no: number;
  wire: number;
  /** varint value (wire type 0) */
  value: number;
  /** payload bounds for a length-delimited field (wire type 2) */
  start: number;
  end: number;
}

/** Thrown by the walk when the bytes are not a well-formed protobuf message. */
export class NotProtobuf extends Error {}

function readVarint(b: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new NotProtobuf('truncated varint');
    const byte = b[pos++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new NotProtobuf('varint longer than 10 bytes');
}

/** The fields of the message in b[start, end), in order. Throws NotProtobuf on malformed bytes. */
export function fields(b: Uint8Array, start = 0, end = b.length): Field[] {
  const out: Field[] = [];
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(b, pos);
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no < 1) throw new NotProtobuf('field number 0');
    pos = afterKey;
    if (wire === 0) {
      const [value, next] = readVarint(b, pos);
      out.push({ no, wire, value, start: pos, end: next });
      pos = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(b, pos);
      if (next + len > end) throw new NotProtobuf('length-delimited field runs past the end');
      out.push({ no, wire, value: len, start: next, end: next + len });
      pos = next + len;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > end) throw new NotProtobuf('fixed field runs past the end');
      out.push({ no, wire, value: 0, start: pos, end: pos + size });
      pos += size;
    } else {
      throw new NotProtobuf(`wire type ${wire}`);
    }
  }
  return out;
}

/** UTF-8 bytes → text (core's ES2022 lib has no TextDecoder type). Invalid sequences become U+FFFD. */
export function utf8Decode(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  let i = start;
  while (i < end) {
    const c = b[i++];
    let cp: number;
    if (c < 0x80) cp = c;
    else if (c >= 0xc0 && c < 0xe0 && i < end) cp = ((c & 0x1f) << 6) | (b[i++] & 0x3f);
    else if (c >= 0xe0 && c < 0xf0 && i + 1 < end) cp = ((c & 0x0f) << 12) | ((b[i++] & 0x3f) << 6) | (b[i++] & 0x3f);
    else if (c >= 0xf0 && i + 2 < end) cp = ((c & 0x07) << 18) | ((b[i++] & 0x3f) << 12) | ((b[i++] & 0x3f) << 6) | (b[i++] & 0x3f);
    else cp = 0xfffd;
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** Text → UTF-8 bytes. */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

function text(b: Uint8Array, f: Field): string {
  return utf8Decode(b, f.start, f.end);
}

/** Signed 64-bit varint as a JS number (two's complement for negatives; exact up to 2^53). */
function signed(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}

/** One attribute of a node, as far as the scorer needs: name, int, string, ints, strings. */
export interface NodeAttribute {
  name: string;
  i?: number;
  s?: string;
  ints: number[];
  strings: string[];
}

/** One node of the graph. */
export interface GraphNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: NodeAttribute[];
}

/** What the walk reads from an ONNX file. */
export interface OnnxGraphInfo {
  irVersion: number;
  producer: string;
  /** opset per domain ('' is the default domain) */
  opsets: { domain: string; version: number }[];
  nodes: GraphNode[];
  inputNames: string[];
  outputNames: string[];
}

function readAttribute(b: Uint8Array, start: number, end: number): NodeAttribute {
  const a: NodeAttribute = { name: '', ints: [], strings: [] };
  for (const f of fields(b, start, end)) {
    if (f.no === 1 && f.wire === 2) a.name = text(b, f);
    else if (f.no === 3 && f.wire === 0) a.i = signed(f.value);
    else if (f.no === 4 && f.wire === 2) a.s = text(b, f);
    else if (f.no === 8 && f.wire === 0) a.ints.push(signed(f.value));
    else if (f.no === 8 && f.wire === 2) {
      // packed
      let pos = f.start;
      while (pos < f.end) {
        const [v, next] = readVarint(b, pos);
        a.ints.push(signed(v));
        pos = next;
      }
    } else if (f.no === 9 && f.wire === 2) a.strings.push(text(b, f));
  }
  return a;
}

function readNode(b: Uint8Array, start: number, end: number): GraphNode {
  const n: GraphNode = { opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  for (const f of fields(b, start, end)) {
    if (f.wire !== 2) continue;
    if (f.no === 1) n.inputs.push(text(b, f));
    else if (f.no === 2) n.outputs.push(text(b, f));
    else if (f.no === 4) n.opType = text(b, f);
    else if (f.no === 7) n.domain = text(b, f);
    else if (f.no === 5) n.attributes.push(readAttribute(b, f.start, f.end));
  }
  return n;
}

function valueInfoName(b: Uint8Array, start: number, end: number): string {
  for (const f of fields(b, start, end)) if (f.no === 1 && f.wire === 2) return text(b, f);
  return '';
}

/**
 * Reads the model's header and graph. Throws NotProtobuf when the bytes are not a protobuf
 * message or carry no graph (field 7): then they are not an ONNX model.
 */
export function readOnnxGraph(b: Uint8Array): OnnxGraphInfo {
  const info: OnnxGraphInfo = { irVersion: 0, producer: '', opsets: [], nodes: [], inputNames: [], outputNames: [] };
  let graphs = 0;
  for (const f of fields(b)) {
    if (f.no === 1 && f.wire === 0) info.irVersion = f.value;
    else if (f.no === 2 && f.wire === 2) info.producer = text(b, f) + info.producer;
    else if (f.no === 3 && f.wire === 2) info.producer += ` ${text(b, f)}`;
    else if (f.no === 8 && f.wire === 2) {
      const op = { domain: '', version: 0 };
      for (const g of fields(b, f.start, f.end)) {
        if (g.no === 1 && g.wire === 2) op.domain = text(b, g);
        else if (g.no === 2 && g.wire === 0) op.version = g.value;
      }
      info.opsets.push(op);
    } else if (f.no === 7 && f.wire === 2) {
      graphs++;
      for (const g of fields(b, f.start, f.end)) {
        if (g.wire !== 2) continue;
        if (g.no === 1) info.nodes.push(readNode(b, g.start, g.end));
        else if (g.no === 11) info.inputNames.push(valueInfoName(b, g.start, g.end));
        else if (g.no === 12) info.outputNames.push(valueInfoName(b, g.start, g.end));
      }
    } else if (f.wire !== 0 && f.wire !== 2) {
      throw new NotProtobuf(`unexpected wire type ${f.wire} for field ${f.no}`);
    }
  }
  if (graphs === 0 || info.irVersion === 0) throw new NotProtobuf('no ir_version or graph');
  return info;
}

function lengthDelimited(no: number, payload: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = payload.length;
  do {
    len.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  const out = new Uint8Array(1 + len.length + payload.length);
  out[0] = (no << 3) | 2;
  out.set(len, 1);
  out.set(payload, 1 + len.length);
  return out;
}

/**
 * The model bytes with `names` added as graph outputs. Protobuf merges a repeated embedded
 * message that appears twice, so appending `graph { output { name } }` after the model adds
 * the outputs without re-encoding the model. Used to read the tensor that feeds a ZipMap
 * (onnxruntime-web cannot hand a map sequence back to JavaScript).
 */
export function withExtraOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  if (names.length === 0) return model;
  const outputs = names.map((name) => lengthDelimited(12, lengthDelimited(1, utf8Encode(name))));
  const graphBody = new Uint8Array(outputs.reduce((a, o) => a + o.length, 0));
  let at = 0;
  for (const o of outputs) {
    graphBody.set(o, at);
    at += o.length;
  }
  const tail = lengthDelimited(7, graphBody);
  const out = new Uint8Array(model.length + tail.length);
  out.set(model, 0);
  out.set(tail, model.length);
  return out;
}
