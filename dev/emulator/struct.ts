/**
 * google.protobuf.Struct as proto-loader encodes it: plain JSON → the
 * `{ fields: { key: { stringValue } } }` form the wire carries (Asset
 * Inventory's `versioned_resources[].resource` is a Struct holding the
 * resource's REST JSON).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

export interface WireValue {
  nullValue?: 'NULL_VALUE';
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: WireStruct;
  listValue?: { values: WireValue[] };
}

export interface WireStruct {
  fields: Record<string, WireValue>;
}

export function toWireValue(value: JsonValue): WireValue {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toWireValue) } };
  return { structValue: toWireStruct(value) };
}

export function toWireStruct(object: { [key: string]: JsonValue | undefined }): WireStruct {
  const fields: Record<string, WireValue> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) fields[key] = toWireValue(value);
  }
  return { fields };
}
