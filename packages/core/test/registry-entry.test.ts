import * as t from '@tensile/core';
import { describe, expect, it } from 'vitest';

declare module '@tensile/core' {
  interface RegistryKinds {
    'test-greeting': t.RegistryEntry<[name: string], string>;
  }
}

describe('registry: one entry shape, { create(...args) }', () => {
  it('create(kind, name, ...args) calls the entry’s create with its arguments, typed by kind', () => {
    const registry = new t.Registry();
    registry.register('test-greeting', 'hello', { create: (name) => `hello ${name}`, description: 'says hello' });
    const out: string = registry.create('test-greeting', 'hello', 'Ada');
    expect(out).toBe('hello Ada');
    expect(registry.get('test-greeting', 'hello').description).toBe('says hello');
  });

  it('a class with a static create is an entry as it is (this is the class)', () => {
    class Greeter {
      constructor(readonly name: string) {}
      static create(name: string): string {
        return new Greeter(name).name.toUpperCase();
      }
    }
    const registry = new t.Registry();
    registry.register('test-greeting', 'loud', Greeter);
    expect(registry.get('test-greeting', 'loud')).toBe(Greeter);
    expect(registry.create('test-greeting', 'loud', 'ada')).toBe('ADA');
  });

  it('names the registered entries when there is none, and refuses an entry without create', () => {
    const registry = new t.Registry();
    registry.register('test-greeting', 'hello', { create: (name) => name });
    expect(() => registry.create('test-greeting', 'nope', 'x')).toThrow(/no test-greeting named 'nope' \(registered: hello\)/);
    registry.register('test-greeting', 'broken', {} as never);
    expect(() => registry.create('test-greeting', 'broken', 'x')).toThrow(/has no create/);
  });
});
