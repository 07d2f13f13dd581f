//! Full-text search over questions, answers, listing titles and buyer nicknames (SQLite FTS5,
//! accent-insensitive), and turning what the user typed into a safe FTS5 query.

/// Starts a matched span in highlighted text (a private-use character: never in real text, and
/// the UI renders spans as text, never as HTML).
pub const MARK_START: char = '\u{E000}';
/// Ends a matched span.
pub const MARK_END: char = '\u{E001}';

/// `text` with the marker characters taken out, so text from Mercado Libre (a buyer's question,
/// a listing title) cannot forge a highlight or a segment boundary. Applied as synced text is
/// stored, before it is indexed.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([MARK_START, MARK_END]) {
        std::borrow::Cow::Owned(text.replace([MARK_START, MARK_END], ""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A search counts its matches up to this many.
pub const COUNT_CAP: i64 = 1000;

/// The highlighted columns of a search page.
pub const HIGHLIGHT_COLUMNS: &str =
    "highlight(questions_fts, 0, char(57344), char(57345)) AS h_text,
           highlight(questions_fts, 1, char(57344), char(57345)) AS h_answer,
           highlight(questions_fts, 2, char(57344), char(57345)) AS h_title,
           highlight(questions_fts, 3, char(57344), char(57345)) AS h_buyer,";

/// The FTS5 query for what the user typed: every word must match, each as a prefix
/// (`envi` finds "envío"). FTS5 syntax in the input is never interpreted. `None` when there is
/// nothing to search for.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// The meaningful words of `text` (for "questions like this one"), folded like the index folds
/// them (lowercase, no accents): short words and the commonest Spanish and Portuguese words are
/// left out.
pub fn meaningful_words(text: &str) -> Vec<String> {
    const COMMON: &[&str] = &[
        "hola", "buenas", "buen", "dia", "tardes", "noches", "que", "los", "las", "del", "por",
        "para", "con", "una", "uno", "tiene", "tienen", "tenes", "hay", "como", "esta", "este",
        "eso", "esto", "gracias", "saludos", "ola", "obrigado", "voce", "tem", "com", "uma", "nao",
        "sim", "pra", "the", "and", "you",
    ];
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(fold)
        .filter(|w| w.chars().count() >= 3 && !COMMON.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// `text` with every word that starts with one of the words of `input` (folded like the index
/// folds them) between [`MARK_START`] and [`MARK_END`], as FTS5's `highlight()` marks prefix
/// matches. For texts found by a query where `highlight()` cannot run (inside an aggregate).
pub fn mark(text: &str, input: &str) -> String {
    let wanted: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let folded = fold(word);
        if wanted.iter().any(|w| folded.starts_with(w.as_str())) {
            out.push(MARK_START);
            out.push_str(word);
            out.push(MARK_END);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Lowercase without accents, as the index's tokenizer (unicode61, remove_diacritics 2) folds.
pub fn fold(word: &str) -> String {
    word.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// An FTS5 query on the question text matching any of `words`.
pub fn any_of(words: &[String]) -> Option<String> {
    let terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    (!terms.is_empty()).then(|| format!("text : ({})", terms.join(" OR ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_prefix_matches_ignoring_accents_and_case() {
        assert_eq!(
            mark("¿Cuándo ENVÍAN el envío?", "envi cuan"),
            "¿\u{E000}Cuándo\u{E001} \u{E000}ENVÍAN\u{E001} el \u{E000}envío\u{E001}?"
        );
        assert_eq!(mark("sin nada", "otra"), "sin nada");
    }

    #[test]
    fn every_word_is_a_quoted_prefix_and_syntax_is_inert() {
        assert_eq!(
            fts_query("envio gratis").as_deref(),
            Some("\"envio\"* AND \"gratis\"*")
        );
        assert_eq!(
            fts_query("title:hack OR \"x\" NEAR(a b)").as_deref(),
            Some(
                "\"title\"* AND \"hack\"* AND \"OR\"* AND \"x\"* AND \"NEAR\"* AND \"a\"* AND \"b\"*"
            )
        );
        assert_eq!(fts_query(" ¿? "), None);
    }

    #[test]
    fn keeps_the_meaningful_words_folded() {
        assert_eq!(
            meaningful_words("Hola, ¿tienen el talle M en AZUL? ¿Envío a Córdoba? Gracias"),
            vec!["azul", "cordoba", "envio", "talle"]
        );
        assert!(meaningful_words("hola gracias").is_empty());
        assert_eq!(
            any_of(&["azul".into(), "talle".into()]).as_deref(),
            Some("text : (\"azul\" OR \"talle\")")
        );
    }
}

#[cfg(test)]
mod store_tests {
    use chrono::{TimeZone, Utc};

    use super::{MARK_END, MARK_START, inert};

    #[test]
    fn synced_text_cannot_carry_the_markers() {
        let forged = format!("hola {MARK_START}gratis{MARK_END} ya");
        assert_eq!(inert(&forged), "hola gratis ya");
        assert!(matches!(inert("sin marcas"), std::borrow::Cow::Borrowed(_)));
    }
    use crate::inbox::{InboxQuery, StatusFilter, list};
    use crate::store::listings::{self, Listing};
    use crate::store::questions::tests::{sample, seed_account};
    use crate::store::testing::temp_store;
    use crate::store::{buyers, questions};

    fn seeded() -> (tempfile::TempDir, crate::store::Store) {
        let (dir, store) = temp_store();
        let conn = store.conn().expect("conn");
        seed_account(&conn);
        let now = Utc::now();
        for (id, title) in [("MLA1", "Mate de calabaza"), ("MLA2", "Termo acero 1 L")] {
            let l = Listing {
                id: id.into(),
                account_id: 7,
                title: title.into(),
                price: None,
                currency_id: None,
                available_quantity: None,
                status: None,
                permalink: None,
                thumbnail: None,
                sold_quantity: None,
                sku: None,
                variations: None,
                traits: None,
            };
            listings::upsert(&conn, &l, now).expect("listing");
        }
        let texts = [
            (1, "MLA1", "¿Hacen envío a Córdoba?", None),
            (
                2,
                "MLA1",
                "¿Es de calabaza natural?",
                Some("Sí, curada a mano."),
            ),
            (
                3,
                "MLA2",
                "¿Mantiene el agua caliente?",
                Some("Sí, 24 horas. Envío gratis."),
            ),
            (4, "MLA2", "<img src=x onerror=alert(1)> ¿stock?", None),
        ];
        for (id, item, text, answer) in texts {
            let mut q = sample(id);
            q.item_id = item.into();
            q.text = text.into();
            q.buyer_id = 100 + id;
            q.date_created = Utc
                .with_ymd_and_hms(2026, 11, id as u32, 12, 0, 0)
                .single()
                .expect("date");
            if let Some(a) = answer {
                q.status = "ANSWERED".into();
                q.answer_text = Some(a.into());
                q.answer_date = Some(q.date_created);
            }
            questions::upsert(&conn, &q, now).expect("question");
        }
        buyers::upsert(&conn, 101, "CORDOBES_77").expect("buyer");
        buyers::upsert(&conn, 102, "MATERO").expect("buyer");
        (dir, store)
    }

    fn search(store: &crate::store::Store, words: &str) -> Vec<i64> {
        let conn = store.conn().expect("conn");
        let page = list(
            &conn,
            &InboxQuery {
                status: StatusFilter::All,
                search: Some(words.into()),
                ..InboxQuery::default()
            },
        )
        .expect("search");
        assert_eq!(page.total as usize, page.items.len());
        let mut ids: Vec<i64> = page.items.iter().map(|q| q.id).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn accents_prefixes_answers_titles_and_nicknames() {
        let (_d, store) = seeded();
        assert_eq!(
            search(&store, "envio"),
            vec![1, 3],
            "question and answer, accents folded"
        );
        assert_eq!(
            search(&store, "ENVÍO cordoba"),
            vec![1],
            "every word must match"
        );
        assert_eq!(search(&store, "cordo"), vec![1], "prefix");
        assert_eq!(search(&store, "calabaza"), vec![1, 2], "listing title");
        assert_eq!(search(&store, "termo"), vec![3, 4], "listing title");
        assert_eq!(
            search(&store, "matero"),
            vec![2],
            "buyer nickname added after the question"
        );
        assert_eq!(search(&store, "onerror"), vec![4]);
        assert!(
            search(&store, "NEAR(x y) OR *").is_empty(),
            "syntax is not interpreted"
        );
    }

    #[test]
    fn matches_are_marked_and_the_rest_is_untouched() {
        let (_d, store) = seeded();
        let conn = store.conn().expect("conn");
        let page = list(
            &conn,
            &InboxQuery {
                status: StatusFilter::All,
                search: Some("envio".into()),
                ..InboxQuery::default()
            },
        )
        .expect("search");
        let first = page.items.iter().find(|q| q.id == 1).expect("hit");
        let h = first.highlight.as_ref().expect("highlight");
        assert_eq!(
            h.text,
            format!("¿Hacen {MARK_START}envío{MARK_END} a Córdoba?")
        );
        assert_eq!(h.title, "Mate de calabaza");
        assert_eq!(
            first.text, "¿Hacen envío a Córdoba?",
            "the plain text stays plain"
        );
    }

    #[test]
    fn filters_by_account_listing_and_dates_and_pages() {
        let (_d, store) = seeded();
        let conn = store.conn().expect("conn");
        let q = |f: InboxQuery| list(&conn, &f).expect("list");
        let by_item = q(InboxQuery {
            status: StatusFilter::All,
            item_id: Some("MLA2".into()),
            ..InboxQuery::default()
        });
        assert_eq!(by_item.total, 2);
        let dated = q(InboxQuery {
            status: StatusFilter::All,
            from: Some("2026-11-02T00:00:00Z".into()),
            to: Some("2026-11-04T00:00:00-00:00".into()),
            ..InboxQuery::default()
        });
        let ids: Vec<i64> = dated.items.iter().map(|x| x.id).collect();
        assert_eq!(ids, vec![3, 2], "newest first within the range");
        let other_account = q(InboxQuery {
            status: StatusFilter::All,
            account_id: Some(999),
            ..InboxQuery::default()
        });
        assert_eq!(other_account.total, 0);
        let page2 = q(InboxQuery {
            status: StatusFilter::All,
            limit: Some(2),
            offset: Some(2),
            ..InboxQuery::default()
        });
        let ids: Vec<i64> = page2.items.iter().map(|x| x.id).collect();
        assert_eq!((ids, page2.total), (vec![2, 1], 4));
        assert!(
            list(
                &conn,
                &InboxQuery {
                    from: Some("yesterday".into()),
                    ..InboxQuery::default()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn totals_come_from_kept_counts_that_follow_every_change() {
        let (_d, store) = seeded();
        let conn = store.conn().expect("conn");
        let total = |status| {
            list(
                &conn,
                &InboxQuery {
                    status,
                    ..InboxQuery::default()
                },
            )
            .expect("page")
            .total
        };
        let counted = |clause: &str| -> i64 {
            conn.query_row(
                &format!("SELECT COUNT(*) FROM questions WHERE {clause}"),
                [],
                |r| r.get(0),
            )
            .expect("count")
        };
        let check = || {
            assert_eq!(total(StatusFilter::All), counted("status != 'DELETED'"));
            assert_eq!(
                total(StatusFilter::Answered),
                counted("status = 'ANSWERED'")
            );
            assert_eq!(
                total(StatusFilter::Unanswered),
                counted("status = 'UNANSWERED'")
            );
        };
        check();
        assert_eq!(total(StatusFilter::Unanswered), 2);
        // An answer arrives, a question is deleted, one is removed, one is added.
        let mut q = sample(1);
        q.item_id = "MLA1".into();
        q.status = "ANSWERED".into();
        q.answer_text = Some("Sí.".into());
        questions::upsert(&conn, &q, Utc::now()).expect("answered");
        conn.execute("UPDATE questions SET status = 'DELETED' WHERE id = 4", [])
            .expect("deleted");
        conn.execute("DELETE FROM questions WHERE id = 2", [])
            .expect("removed");
        questions::upsert(&conn, &sample(9), Utc::now()).expect("new");
        check();
        assert_eq!(total(StatusFilter::Unanswered), 1);
        assert_eq!(total(StatusFilter::All), 3);
        // An account filter is counted from the kept counts too.
        let other = list(
            &conn,
            &InboxQuery {
                status: StatusFilter::All,
                account_id: Some(12345),
                ..InboxQuery::default()
            },
        )
        .expect("other account");
        assert_eq!((other.total, other.items.len()), (0, 0));
    }
}

#[cfg(test)]
mod integrity_tests {
    use chrono::Utc;

    use crate::store::questions::tests::{sample, seed_account};
    use crate::store::testing::temp_store;
    use crate::store::{buyers, questions};

    #[test]
    fn the_index_stays_consistent_through_every_trigger() {
        let (_d, store) = temp_store();
        let conn = store.conn().expect("conn");
        seed_account(&conn);
        let mut q = sample(1);
        questions::upsert(&conn, &q, Utc::now()).expect("insert");
        buyers::upsert(&conn, q.buyer_id, "UNO").expect("buyer");
        buyers::upsert(&conn, q.buyer_id, "DOS").expect("rename");
        q.status = "ANSWERED".into();
        q.answer_text = Some("Sí, con envío.".into());
        questions::upsert(&conn, &q, Utc::now()).expect("answer");
        conn.execute(
            "INSERT INTO listings (id, account_id, title, updated_at) VALUES (?1, 7, 'Mate', 'x')",
            [&q.item_id],
        )
        .expect("listing");
        conn.execute(
            "UPDATE listings SET title = 'Mate nuevo' WHERE id = ?1",
            [&q.item_id],
        )
        .expect("retitle");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(check, "ok");
    }
}
