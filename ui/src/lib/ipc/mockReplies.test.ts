import { describe, expect, it } from 'vitest';
import golden from './bindings/golden/lint.json';
import type { Lint } from './bindings/Lint';
import type { TextKind } from './bindings/TextKind';
import { lint, render } from './mockReplies';
import renderGolden from './bindings/golden/render.json';
import type { ReplyContext } from './bindings/ReplyContext';
import type { Rendered } from './bindings/Rendered';

describe("the mock's linter follows the core", () => {
  // Written by the core's own test (replies::tests::export_bindings_lint_golden).
  for (const c of golden as { text: string; kind: TextKind; lint: Lint }[]) {
    it(`${c.kind}: ${JSON.stringify(c.text.slice(0, 60))}`, () => {
      expect(lint(c.text, c.kind)).toEqual(c.lint);
    });
  }
});

describe("the mock's template renderer follows the core", () => {
  // Written by the core's own test (replies::tests::export_bindings_render_golden).
  for (const c of renderGolden as { template: string; context: ReplyContext; rendered: Rendered }[]) {
    it(JSON.stringify(c.template.slice(0, 60)), () => {
      expect(render(c.template, c.context)).toEqual(c.rendered);
    });
  }
});
