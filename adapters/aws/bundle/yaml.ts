/** A value a deployment template holds. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const PLAIN = /^[A-Za-z_/.][A-Za-z0-9_ ./:-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  // Quote anything YAML could read as another type or syntax; JSON strings are valid YAML.
  if (PLAIN.test(value) && !RESERVED.test(value) && !value.endsWith(' ') && !value.includes(': ')) return value;
  // Text with double quotes (inline JSON such as a rule's Input) reads better single-quoted, where only ' is escaped.
  // eslint-disable-next-line no-control-regex
  if (value.includes('"') && !/[\u0000-\u001f\u007f]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

/**
 * Serialise plain data as block-style YAML (enough for serverless.yml and SAM
 * templates; intrinsic functions are written in their long form, `{ Ref: X }`).
 */
export function toYaml(value: YamlValue, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object' && !(Array.isArray(item) && item.length === 0)) {
          const nested = toYaml(item, indent + 2).slice(indent + 2);
          return `${pad}- ${nested}`;
        }
        return `${pad}- ${scalar(item as string)}\n`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, v]) => {
        if (v !== null && typeof v === 'object' && !(Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)) return `${pad}${scalar(k)}:\n${toYaml(v, indent + 2)}`;
        if (v !== null && typeof v === 'object') return `${pad}${scalar(k)}: ${Array.isArray(v) ? '[]' : '{}'}\n`;
        return `${pad}${scalar(k)}: ${scalar(v)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}
