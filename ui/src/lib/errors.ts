// What the user reads when a backend call fails: a sentence in their language chosen by the
// core's stable error code (never the core's English text, which goes to the log).
import { BackendError } from './ipc/backend';
import type { Delivery } from './ipc/bindings/Delivery';
import type { ErrorCode } from './ipc/bindings/ErrorCode';
import { lang } from './i18n';

const es: Record<ErrorCode, string> = {
  database: 'No se pudo leer o guardar en la base local. Probá de nuevo.',
  keyring: 'El llavero del sistema no respondió. Desbloquealo y probá de nuevo.',
  no_secret_service: 'No hay un llavero del sistema para guardar las claves de forma segura.',
  offline: 'No se puede llegar a Mercado Libre. Revisá la conexión a internet.',
  marketplace_rejected: 'Mercado Libre rechazó el pedido.',
  rate_limited: 'Mercado Libre pidió esperar un momento. Se reintenta solo.',
  reconnect_required: 'Hay que reconectar la cuenta en Cuentas.',
  invalid_client: 'El ID de la aplicación o la clave secreta no son correctos.',
  invalid_grant: 'La autorización venció o ya se usó. Autorizá otra vez.',
  redirect_uri_mismatch: 'La dirección de regreso no es la registrada en tu aplicación.',
  unauthorized_application: 'Mercado Libre bloqueó tu aplicación.',
  unauthorized_client: 'Tu aplicación no tiene los permisos necesarios.',
  operator_cannot_connect: 'Solo la persona dueña de la tienda puede conectar la cuenta.',
  authorization_denied: 'No se dio permiso en Mercado Libre.',
  state_mismatch: 'Esa dirección no es de este intento de conexión.',
  forbidden: 'Tu perfil no puede hacer esto. Pedíselo al dueño de la cuenta.',
  wrong_pin: 'PIN incorrecto.',
  pin_locked: 'Demasiados intentos: esperá un momento.',
  invalid_input: 'Revisá lo que escribiste: no se puede enviar así.',
  not_found: 'Ya no existe: puede haberse borrado o sincronizado de nuevo.',
  stock_read_only: 'El stock de esta publicación no se puede cambiar desde acá (Full, catálogo o finalizada).',
  internal: 'Algo falló. Probá de nuevo; si sigue, reiniciá Mostrador.',
};

const pt: Record<ErrorCode, string> = {
  database: 'Não foi possível ler ou salvar no banco local. Tente de novo.',
  keyring: 'O chaveiro do sistema não respondeu. Desbloqueie-o e tente de novo.',
  no_secret_service: 'Não há um chaveiro do sistema para guardar as chaves com segurança.',
  offline: 'Não foi possível chegar ao Mercado Livre. Verifique a conexão com a internet.',
  marketplace_rejected: 'O Mercado Livre recusou o pedido.',
  rate_limited: 'O Mercado Livre pediu para esperar um pouco. Tenta de novo sozinho.',
  reconnect_required: 'É preciso reconectar a conta em Contas.',
  invalid_client: 'O ID do aplicativo ou a chave secreta não estão corretos.',
  invalid_grant: 'A autorização expirou ou já foi usada. Autorize de novo.',
  redirect_uri_mismatch: 'O endereço de retorno não é o registrado no seu aplicativo.',
  unauthorized_application: 'O Mercado Livre bloqueou seu aplicativo.',
  unauthorized_client: 'Seu aplicativo não tem as permissões necessárias.',
  operator_cannot_connect: 'Só a pessoa dona da loja pode conectar a conta.',
  authorization_denied: 'A permissão não foi dada no Mercado Livre.',
  state_mismatch: 'Esse endereço não é desta tentativa de conexão.',
  forbidden: 'Seu perfil não pode fazer isso. Peça ao dono da conta.',
  wrong_pin: 'PIN incorreto.',
  pin_locked: 'Tentativas demais: espere um pouco.',
  invalid_input: 'Confira o que você escreveu: não dá para enviar assim.',
  not_found: 'Não existe mais: pode ter sido apagado ou sincronizado de novo.',
  stock_read_only: 'O estoque deste anúncio não pode ser alterado daqui (Full, catálogo ou finalizado).',
  internal: 'Algo falhou. Tente de novo; se continuar, reinicie o Mostrador.',
};

const en: Record<ErrorCode, string> = {
  database: 'The local database could not be read or written. Try again.',
  keyring: 'The system keyring did not answer. Unlock it and try again.',
  no_secret_service: 'There is no system keyring to keep the keys safely.',
  offline: 'Mercado Libre cannot be reached. Check the internet connection.',
  marketplace_rejected: 'Mercado Libre refused the request.',
  rate_limited: 'Mercado Libre asked to wait a moment. It retries by itself.',
  reconnect_required: 'The account must be reconnected in Accounts.',
  invalid_client: 'The application id or secret key is wrong.',
  invalid_grant: 'The authorization expired or was already used. Authorize again.',
  redirect_uri_mismatch: 'The return address is not the one registered in your application.',
  unauthorized_application: 'Mercado Libre blocked your application.',
  unauthorized_client: 'Your application lacks the scopes it needs.',
  operator_cannot_connect: "Only the shop's owner can connect the account.",
  authorization_denied: 'Permission was not given on Mercado Libre.',
  state_mismatch: 'That address is not from this connection attempt.',
  forbidden: "Your profile cannot do this. Ask the account's owner.",
  wrong_pin: 'Wrong PIN.',
  pin_locked: 'Too many attempts: wait a moment.',
  invalid_input: 'Check what you wrote: it cannot be sent like this.',
  not_found: 'It no longer exists: it may have been deleted or synced again.',
  stock_read_only: "This listing's stock cannot be changed from here (Full, catalog or closed).",
  internal: 'Something failed. Try again; if it goes on, restart Mostrador.',
};

export const errorDictionaries = { es, pt, en } as const;

/** The user's sentence for a failed call. */
export function errorText(e: unknown): string {
  const code: ErrorCode = e instanceof BackendError ? e.code : 'internal';
  return errorDictionaries[lang][code] ?? errorDictionaries[lang].internal;
}

const deliveryEs = {
  not_answerable: 'La pregunta ya no se puede responder (se cerró, se borró o está en revisión).',
  internal: 'Mostrador no pudo enviarla. Editala y probá de nuevo.',
  marketplace: 'Mercado Libre la rechazó',
};
const delivery = {
  es: deliveryEs,
  pt: {
    not_answerable: 'A pergunta não pode mais ser respondida (foi fechada, apagada ou está em revisão).',
    internal: 'O Mostrador não conseguiu enviá-la. Edite e tente de novo.',
    marketplace: 'O Mercado Livre recusou',
  },
  en: {
    not_answerable: 'The question can no longer be answered (closed, deleted or under review).',
    internal: 'Mostrador could not send it. Edit it and try again.',
    marketplace: 'Mercado Libre refused it',
  },
} satisfies Record<string, typeof deliveryEs>;

/** Why an answer failed, in the user's language (Mercado Libre's own words kept after its refusal). */
export function deliveryText(d: Delivery): string {
  const words = delivery[lang];
  switch (d.error_code) {
    case 'not_answerable':
      return words.not_answerable;
    case 'marketplace':
      return `${words.marketplace}: ${d.error_message ?? d.marketplace_code ?? ''}`;
    default:
      return words.internal;
  }
}
