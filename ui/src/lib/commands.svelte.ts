// The commands the Ctrl+K palette offers. Screens register theirs while they are shown; the
// palette lists every registered command and filters them by what the user types.
import { untrack } from 'svelte';
import { fold } from './marked';

export interface Command {
  /** Stable id (tests and de-duplication). */
  id: string;
  /** What the user reads and types against. */
  label: string;
  /** The section it is listed under ("Ir a", "Filtrar", "Respuesta rápida", …). */
  section: string;
  /** A key that does the same outside the palette, shown as a hint. */
  key?: string;
  run: () => void | Promise<void>;
}

class CommandRegistry {
  private sources = $state<Record<string, Command[]>>({});

  /** Every registered command, in registration order. */
  all = $derived(Object.values(this.sources).flat());

  /** Sets the commands of `source` (replacing its previous ones); returns a function that removes them. */
  register(source: string, commands: Command[]): () => void {
    // Registering from an effect must not make the effect depend on the registry.
    // Each source touches only its own key: a registration and a removal made at nearly the
    // same time (a screen's teardown, a member switch) cannot undo each other.
    untrack(() => (this.sources[source] = commands));
    return () => untrack(() => delete this.sources[source]);
  }
}

export const commands = new CommandRegistry();

/** The commands whose label holds every typed word (accents and case ignored), in order. */
export function matching(list: Command[], typed: string): Command[] {
  const words = fold(typed).split(/\s+/).filter(Boolean);
  if (words.length === 0) return list;
  return list.filter((c) => {
    const label = fold(`${c.section} ${c.label}`);
    return words.every((w) => label.includes(w));
  });
}
