// The mock backend's team: members, who is at the keyboard, and the core's permission table
// (`team::allows`) — its cases are checked against the core's own in `mockTeam.test.ts`.
import { BackendError } from './backend';
import type { Caller } from './bindings/Caller';
import type { Member } from './bindings/Member';
import type { MemberDraft } from './bindings/MemberDraft';
import type { MemberFigures } from './bindings/MemberFigures';
import type { Permission } from './bindings/Permission';
import type { Role } from './bindings/Role';

export const PERMISSIONS: Permission[] = [
  'read_inbox',
  'answer',
  'moderate',
  'edit_templates',
  'edit_stock',
  'view_metrics',
  'manage_accounts',
  'manage_team',
  'settings',
];

/** The core's table: the owner everything; an operator reads and answers, and moderates when granted. */
export function allows(role: Role, canModerate: boolean, permission: Permission): boolean {
  if (role === 'owner') return true;
  if (permission === 'read_inbox' || permission === 'answer') return true;
  return permission === 'moderate' && canModerate;
}

export class MockTeam {
  members: Member[] = [{ id: 1, name: 'Dueño', role: 'owner', can_moderate: true, has_pin: false }];
  pins: Record<number, string> = {};
  atKeyboard = 1;
  private nextId = 2;

  me(): Caller {
    const m = this.members.find((x) => x.id === this.atKeyboard) ?? this.members[0]!;
    return {
      member_id: m.id,
      name: m.name,
      role: m.role,
      can_moderate: m.can_moderate,
      permissions: PERMISSIONS.filter((p) => allows(m.role, m.can_moderate, p)),
    };
  }

  /** The gate: refuses like the core (`forbidden`). */
  require(permission: Permission): void {
    const me = this.me();
    if (!allows(me.role, me.can_moderate, permission)) {
      throw new BackendError('forbidden', `member ${me.member_id} may not ${permission}`);
    }
  }

  switchTo(memberId: number, pin: string | null): Caller {
    const m = this.members.find((x) => x.id === memberId);
    if (!m) throw new BackendError('not_found', `member ${memberId}`);
    if (m.has_pin && this.pins[memberId] !== pin) throw new BackendError('wrong_pin', 'wrong PIN');
    this.atKeyboard = memberId;
    return this.me();
  }

  add(draft: MemberDraft): number {
    this.require('manage_team');
    const name = draft.name.trim();
    if (!name) throw new BackendError('invalid_input', 'a member needs a name');
    const id = this.nextId++;
    this.members.push({ id, name, role: 'operator', can_moderate: draft.can_moderate, has_pin: false });
    return id;
  }

  update(memberId: number, draft: MemberDraft): void {
    this.require('manage_team');
    const m = this.members.find((x) => x.id === memberId);
    if (!m) throw new BackendError('not_found', `member ${memberId}`);
    m.name = draft.name.trim();
    m.can_moderate = m.role === 'owner' || draft.can_moderate;
  }

  remove(memberId: number): void {
    this.require('manage_team');
    this.members = this.members.filter((m) => m.id !== memberId || m.role === 'owner');
  }

  setPin(memberId: number, pin: string | null): void {
    this.require('manage_team');
    if (pin !== null && !/^\d{4,12}$/.test(pin)) throw new BackendError('invalid_input', 'a PIN has 4 to 12 digits');
    const m = this.members.find((x) => x.id === memberId);
    if (!m) throw new BackendError('not_found', `member ${memberId}`);
    m.has_pin = pin !== null;
    if (pin === null) delete this.pins[memberId];
    else this.pins[memberId] = pin;
  }

  figures(answeredBy: (name: string) => number): MemberFigures[] {
    this.require('view_metrics');
    return this.members.map((m) => ({
      member_id: m.id,
      name: m.name,
      answers: answeredBy(m.name),
      messages: 0,
      median_minutes: null,
      p90_minutes: null,
    }));
  }
}
