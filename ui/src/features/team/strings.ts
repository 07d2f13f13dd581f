// The team's strings (member switcher, team screen, attribution) in Spanish, Portuguese
// (Brazil) and English, in the language the rest of the UI uses.
import { lang } from '../../lib/i18n';

const es = {
  team: 'Equipo',
  answeredBy: 'Respondida por',
  alreadyAnswered: 'Ya respondida en Mercado Libre: esta es la respuesta que quedó publicada.',
  yourUnsent: 'Tu respuesta (no enviada):',
  atKeyboard: 'Quién atiende',
  switchTo: 'Cambiar a',
  pin: 'PIN',
  pinFor: 'PIN de',
  enter: 'Entrar',
  cancel: 'Cancelar',
  roles: { owner: 'Dueño', operator: 'Operador' },
  members: 'Personas que atienden en esta computadora',
  membersLead:
    'Los operadores responden preguntas y mensajes con las respuestas rápidas y ven el inventario sin poder cambiarlo. No ven métricas, cuentas ni ajustes.',
  addMember: 'Agregar operador',
  name: 'Nombre',
  canModerate: 'Puede borrar preguntas y bloquear compradores',
  save: 'Guardar',
  remove: 'Quitar',
  setPin: 'Poner PIN',
  changePin: 'Cambiar PIN',
  clearPin: 'Quitar PIN',
  newPin: 'PIN nuevo (4 a 12 dígitos)',
  hasPin: 'con PIN',
  figures: 'Respuestas por persona',
  figAnswers: 'Respuestas',
  figMessages: 'Mensajes',
  figMedian: 'Mediana',
  figP90: 'p90',
  minutes: 'min',
  errors: {
    wrong_pin: 'PIN incorrecto.',
    pin_locked: 'Demasiados intentos: esperá un momento y probá de nuevo.',
    forbidden: 'Tu perfil no puede hacer esto. Pedíselo al dueño de la cuenta.',
    invalid_input: 'Revisá los datos: un nombre, y un PIN de 4 a 12 dígitos.',
    other: 'No se pudo completar.',
  },
};

type Strings = typeof es;

const pt: Strings = {
  team: 'Equipe',
  answeredBy: 'Respondida por',
  alreadyAnswered: 'Já respondida no Mercado Livre: esta é a resposta que ficou publicada.',
  yourUnsent: 'Sua resposta (não enviada):',
  atKeyboard: 'Quem atende',
  switchTo: 'Trocar para',
  pin: 'PIN',
  pinFor: 'PIN de',
  enter: 'Entrar',
  cancel: 'Cancelar',
  roles: { owner: 'Dono', operator: 'Operador' },
  members: 'Pessoas que atendem neste computador',
  membersLead:
    'Os operadores respondem perguntas e mensagens com as respostas rápidas e veem o estoque sem poder alterá-lo. Não veem métricas, contas nem ajustes.',
  addMember: 'Adicionar operador',
  name: 'Nome',
  canModerate: 'Pode apagar perguntas e bloquear compradores',
  save: 'Salvar',
  remove: 'Remover',
  setPin: 'Definir PIN',
  changePin: 'Trocar PIN',
  clearPin: 'Remover PIN',
  newPin: 'Novo PIN (4 a 12 dígitos)',
  hasPin: 'com PIN',
  figures: 'Respostas por pessoa',
  figAnswers: 'Respostas',
  figMessages: 'Mensagens',
  figMedian: 'Mediana',
  figP90: 'p90',
  minutes: 'min',
  errors: {
    wrong_pin: 'PIN incorreto.',
    pin_locked: 'Tentativas demais: espere um pouco e tente de novo.',
    forbidden: 'Seu perfil não pode fazer isso. Peça ao dono da conta.',
    invalid_input: 'Confira os dados: um nome, e um PIN de 4 a 12 dígitos.',
    other: 'Não foi possível concluir.',
  },
};

const en: Strings = {
  team: 'Team',
  answeredBy: 'Answered by',
  alreadyAnswered: 'Already answered on Mercado Libre: this is the answer that was published.',
  yourUnsent: 'Your answer (not sent):',
  atKeyboard: 'Who is answering',
  switchTo: 'Switch to',
  pin: 'PIN',
  pinFor: 'PIN for',
  enter: 'Enter',
  cancel: 'Cancel',
  roles: { owner: 'Owner', operator: 'Operator' },
  members: 'People answering on this computer',
  membersLead:
    'Operators answer questions and messages with the quick replies and see the stock without changing it. They do not see metrics, accounts or settings.',
  addMember: 'Add operator',
  name: 'Name',
  canModerate: 'May delete questions and block buyers',
  save: 'Save',
  remove: 'Remove',
  setPin: 'Set PIN',
  changePin: 'Change PIN',
  clearPin: 'Remove PIN',
  newPin: 'New PIN (4 to 12 digits)',
  hasPin: 'with PIN',
  figures: 'Answers per person',
  figAnswers: 'Answers',
  figMessages: 'Messages',
  figMedian: 'Median',
  figP90: 'p90',
  minutes: 'min',
  errors: {
    wrong_pin: 'Wrong PIN.',
    pin_locked: 'Too many attempts: wait a moment and try again.',
    forbidden: "Your profile cannot do this. Ask the account's owner.",
    invalid_input: 'Check the details: a name, and a PIN of 4 to 12 digits.',
    other: 'That could not be done.',
  },
};

export const teamDictionaries = { es, pt, en } as const;
export const tm: Strings = teamDictionaries[lang];

/** The member's sentence for a failed team call, by the core's stable code. */
export function teamError(code: string): string {
  return (tm.errors as Record<string, string>)[code] ?? tm.errors.other;
}
