// UI strings in Spanish, Portuguese (Brazil) and English, following the OS/browser locale.
const es = {
  unanswered: 'Sin responder',
  answered: 'Respondidas',
  all: 'Todas',
  answeredOne: 'Respondida',
  justNow: 'ahora',
  waiting: 'Esperando',
  buyer: 'Comprador',
  price: 'Precio',
  stock: 'Stock',
  viewListing: 'Ver publicación',
  answerPlaceholder: 'Escribí tu respuesta…',
  send: 'Responder',
  sending: 'Enviando…',
  failed: 'No se pudo enviar',
  sendHint: 'Ctrl+Enter para enviar',
  empty: 'No hay preguntas sin responder. ¡Todo al día!',
  emptyOther: 'No hay preguntas para mostrar.',
  selectOne: 'Elegí una pregunta de la lista.',
  yourAnswer: 'Tu respuesta',
  chars: 'caracteres',
  loadError: 'No se pudo cargar la bandeja',
  questionsWaiting: 'preguntas esperando',
};
type Strings = typeof es;

const pt: Strings = {
  unanswered: 'Sem resposta',
  answered: 'Respondidas',
  all: 'Todas',
  answeredOne: 'Respondida',
  justNow: 'agora',
  waiting: 'Aguardando',
  buyer: 'Comprador',
  price: 'Preço',
  stock: 'Estoque',
  viewListing: 'Ver anúncio',
  answerPlaceholder: 'Escreva sua resposta…',
  send: 'Responder',
  sending: 'Enviando…',
  failed: 'Não foi possível enviar',
  sendHint: 'Ctrl+Enter para enviar',
  empty: 'Nenhuma pergunta sem resposta. Tudo em dia!',
  emptyOther: 'Nenhuma pergunta para mostrar.',
  selectOne: 'Escolha uma pergunta da lista.',
  yourAnswer: 'Sua resposta',
  chars: 'caracteres',
  loadError: 'Não foi possível carregar a caixa',
  questionsWaiting: 'perguntas aguardando',
};

const en: Strings = {
  unanswered: 'Unanswered',
  answered: 'Answered',
  all: 'All',
  answeredOne: 'Answered',
  justNow: 'now',
  waiting: 'Waiting',
  buyer: 'Buyer',
  price: 'Price',
  stock: 'Stock',
  viewListing: 'View listing',
  answerPlaceholder: 'Write your answer…',
  send: 'Answer',
  sending: 'Sending…',
  failed: 'Could not send',
  sendHint: 'Ctrl+Enter to send',
  empty: 'No unanswered questions. All caught up!',
  emptyOther: 'No questions to show.',
  selectOne: 'Pick a question from the list.',
  yourAnswer: 'Your answer',
  chars: 'characters',
  loadError: 'Could not load the inbox',
  questionsWaiting: 'questions waiting',
};

export const dictionaries = { es, pt, en } as const;
export type Lang = keyof typeof dictionaries;

export function detectLang(locale = typeof navigator !== 'undefined' ? navigator.language : 'es'): Lang {
  const l = locale.toLowerCase();
  if (l.startsWith('pt')) return 'pt';
  if (l.startsWith('en')) return 'en';
  return 'es';
}

export const t: Strings = dictionaries[detectLang()];
