/**
 * JSON from files is hostile input. `JSON.parse` alone recurses without a
 * bound (100k nested brackets overflow the stack), keeps the last of two
 * duplicate keys silently, and accepts keys such as `__proto__` that turn
 * into prototype changes once the object is spread or assigned. So every
 * JSON text we read (the safetensors header, the architecture, the training
 * state) is first scanned once, linearly and without recursion, for nesting
 * depth and for duplicate or reserved keys, and only then parsed.
 */

/** Deepest nesting of arrays and objects accepted (real headers and states need under 20; nested models a little more). */
export const MAX_JSON_DEPTH = 128;

/** Keys refused anywhere: they name or reach an object's prototype. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  /** The keys seen so far in an object (absent for arrays). */
  keys?: Set<string>;
  /** In an object: the next string is a key. */
  expectKey: boolean;
}

/**
 * Parses `text` as JSON after checking its depth and keys; `fail(problem)`
 * throws the caller's named error (it must not return).
 */
export function parseJsonStrict(text: string, fail: (problem: string) => never): unknown {
  checkJsonStructure(text, fail);
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail(`is not valid JSON: ${(err as Error).message}`);
  }
}

/** The linear scan behind {@link parseJsonStrict}; malformed text is left for JSON.parse to refuse. */
export function checkJsonStructure(text: string, fail: (problem: string) => never): void {
  const stack: Frame[] = [];
  const path: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = decodeKey(text.slice(start, i + 1));
        if (key !== undefined) {
          const outer = path.slice(0, stack.length - 1);
          const where = outer.length > 0 ? ` in ${outer.join('.')}` : '';
          if (FORBIDDEN_KEYS.has(key)) fail(`has the reserved key ${JSON.stringify(key)}${where}`);
          if (top.keys.has(key)) fail(`has the key ${JSON.stringify(key)} twice${where}`);
          top.keys.add(key);
          path[stack.length - 1] = key;
        }
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) fail(`nests deeper than ${MAX_JSON_DEPTH} levels`);
      stack.push(c === 0x7b ? { keys: new Set(), expectKey: true } : { expectKey: false });
      path[stack.length - 1] = c === 0x7b ? '{}' : '[]';
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      path.length = stack.length;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
}

function decodeKey(literal: string): string | undefined {
  try {
    const key: unknown = JSON.parse(literal);
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined; // malformed: JSON.parse of the whole text reports it
  }
}
