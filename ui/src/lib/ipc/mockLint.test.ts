import { describe, expect, it } from 'vitest';
import golden from './bindings/golden/lint.json';
import type { Lint } from './bindings/Lint';
import type { TextKind } from './bindings/TextKind';
import { lint } from './mockLint';

describe("the mock's linter follows the core", () => {
  // Written by the core's own test (replies::tests::export_bindings_lint_golden).
  for (const c of golden as { text: string; kind: TextKind; lint: Lint }[]) {
    it(`${c.kind}: ${JSON.stringify(c.text.slice(0, 60))}`, () => {
      expect(lint(c.text, c.kind)).toEqual(c.lint);
    });
  }
});
