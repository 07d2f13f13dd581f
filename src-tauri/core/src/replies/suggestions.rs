//! Suggestions for the open question from the seller's own past answers: answers on the same
//! listing first, then answers to similar questions ranked by BM25 (FTS5's formula and
//! parameters) over the question text, then the listing's latest answers. Local only.
//!
//! The FTS5 index finds the candidates: the most recent questions sharing one of the open
//! question's rarest words. They are scored here, with document frequencies read from the
//! index's vocabulary and kept in [`WordStats`]: counting a common word walks its whole posting
//! list, which FTS5's own `bm25()` would do on every call.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

use super::Suggestion;
use crate::error::{Error, Result};
use crate::inbox::search::{any_of, fold, meaningful_words};
use crate::store::questions;

/// How long a word's document count is trusted (counts drift slowly as questions arrive).
const STATS_TTL: Duration = Duration::from_secs(600);
/// Words remembered at most; the cache starts over beyond this.
const STATS_MAX_WORDS: usize = 50_000;
/// Candidates scored: the most recent questions matching one of the rarest words.
const CANDIDATES: i64 = 400;
/// FTS5's BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Document frequencies of question words, as the full-text index counts them (cached).
#[derive(Default)]
pub struct WordStats {
    words: Mutex<HashMap<String, (i64, Instant)>>,
}

impl WordStats {
    /// How many questions use `word` in their text (0 when none).
    fn docs(&self, conn: &Connection, word: &str) -> Result<i64> {
        let now = Instant::now();
        if let Some((n, at)) = self.lock().get(word)
            && now.duration_since(*at) < STATS_TTL
        {
            return Ok(*n);
        }
        let n: i64 = conn
            .prepare_cached("SELECT doc FROM questions_vocab WHERE col = 'text' AND term = ?1")?
            .query_row([word], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let mut words = self.lock();
        if words.len() >= STATS_MAX_WORDS {
            words.clear();
        }
        words.insert(word.to_owned(), (n, now));
        Ok(n)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, Instant)>> {
        self.words.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The words of `text` as the index sees them (lowercase, accents folded).
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect()
}

/// BM25 of a candidate's words against the query words (each with its document frequency),
/// with FTS5's inverse document frequency: ln((N − df + 0.5) / (df + 0.5)), at least 1e-6.
fn bm25(words: &[String], query: &[(String, i64)], total_docs: i64, avg_len: f64) -> f64 {
    let len = words.len() as f64;
    query
        .iter()
        .map(|(term, df)| {
            let tf = words.iter().filter(|w| *w == term).count() as f64;
            if tf == 0.0 {
                return 0.0;
            }
            let df = *df as f64;
            let idf = (((total_docs as f64) - df + 0.5) / (df + 0.5))
                .ln()
                .max(1e-6);
            idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg_len.max(1.0)))
        })
        .sum()
}

/// Up to `limit` past answers for `question_id`: answers on the same listing to similar
/// questions first, then other listings' answers to similar questions, then the same
/// listing's latest answers; the same text never twice.
pub fn suggestions(
    conn: &Connection,
    stats: &WordStats,
    question_id: i64,
    limit: usize,
) -> Result<Vec<Suggestion>> {
    let q = questions::get(conn, question_id)?
        .ok_or_else(|| Error::NotFound(format!("question {question_id}")))?;
    let mut out: Vec<Suggestion> = Vec::new();
    let mut push = |answer: String, question: String, same_listing: bool| {
        if out.len() < limit && !out.iter().any(|s| s.answer == answer) {
            out.push(Suggestion {
                answer,
                question,
                same_listing,
            });
        }
    };
    let mut query: Vec<(String, i64)> = Vec::new();
    for word in meaningful_words(&q.text) {
        let docs = stats.docs(conn, &word)?;
        if docs > 0 {
            query.push((word, docs));
        }
    }
    query.sort_by_key(|(_, docs)| *docs);
    let rarest: Vec<String> = query.iter().take(3).map(|(w, _)| w.clone()).collect();
    if let Some(matched) = any_of(&rarest) {
        let total_docs: i64 =
            conn.query_row("SELECT COALESCE(SUM(n), 0) FROM question_counts", [], |r| {
                r.get(0)
            })?;
        // CROSS JOIN keeps the matches as the outer loop: left to itself the planner walks
        // the account's questions and probes the index for each (about 50 ms on 100,000).
        let mut stmt = conn.prepare_cached(
            "SELECT q.answer_text, q.text, q.item_id = ?3
             FROM (SELECT rowid AS id FROM questions_fts WHERE questions_fts MATCH ?1
                   ORDER BY rowid DESC LIMIT ?5) AS m
             CROSS JOIN questions q ON q.id = m.id
             WHERE q.account_id = ?2 AND q.id != ?4
               AND q.answer_text IS NOT NULL AND q.answer_text != ''",
        )?;
        let candidates = stmt
            .query_map(
                params![matched, q.account_id, q.item_id, q.id, CANDIDATES],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                    ))
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let words: Vec<Vec<String>> = candidates.iter().map(|(_, t, _)| tokens(t)).collect();
        let avg_len = words.iter().map(Vec::len).sum::<usize>() as f64 / words.len().max(1) as f64;
        let mut ranked: Vec<(bool, f64, usize)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (candidates[i].2, bm25(w, &query, total_docs, avg_len), i))
            .collect();
        // Same listing first, then the best score; ties keep the newest first.
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        for (_, _, i) in ranked {
            let (answer, question, same) = &candidates[i];
            push(answer.clone(), question.clone(), *same);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT answer_text, text FROM questions
         WHERE item_id = ?1 AND id != ?2 AND answer_text IS NOT NULL AND answer_text != ''
         ORDER BY answer_date DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![q.item_id, q.id, (limit * 2) as i64], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (a, t) = row?;
        push(a, t, true);
    }
    Ok(out)
}

/// Up to `limit` of the seller's past post-sale replies for the conversation about `pack_id`:
/// the replies that followed buyers' messages sharing the most meaningful words with this
/// buyer's last message (ties: the newest), on the same account; the same text never twice.
/// The seller's replies in this conversation, and messages not delivered, are not offered.
pub fn conversation_suggestions(
    conn: &Connection,
    account_id: i64,
    pack_id: i64,
    limit: usize,
) -> Result<Vec<Suggestion>> {
    let last: Option<String> = conn
        .query_row(
            "SELECT text FROM messages
             WHERE account_id = ?1 AND pack_id = ?2 AND from_id != account_id
             ORDER BY date_created DESC, id DESC LIMIT 1",
            params![account_id, pack_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(last) = last else {
        return Ok(Vec::new());
    };
    let words = meaningful_words(&last);
    let Some(matched) = any_of(&words) else {
        return Ok(Vec::new());
    };
    // Each matching buyer message of another conversation, with the seller's next reply there.
    let mut stmt = conn.prepare_cached(
        "SELECT m.text,
                (SELECT r.text FROM messages r
                  WHERE r.account_id = m.account_id AND r.pack_id = m.pack_id
                    AND r.from_id = r.account_id AND r.date_created > m.date_created
                    AND COALESCE(r.status, '') NOT IN ('sending', 'failed', 'moderated', 'rejected')
                  ORDER BY r.date_created LIMIT 1) AS reply
         FROM (SELECT message_id FROM messages_fts WHERE messages_fts MATCH ?1
               ORDER BY rowid DESC LIMIT ?4) AS f
         CROSS JOIN messages m ON m.id = f.message_id
         WHERE m.account_id = ?2 AND m.pack_id != ?3 AND m.from_id != m.account_id",
    )?;
    let found = stmt
        .query_map(params![matched, account_id, pack_id, CANDIDATES], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut ranked: Vec<(usize, usize, String, String)> = found
        .into_iter()
        .enumerate()
        .filter_map(|(i, (asked, reply))| {
            let reply = reply.filter(|r| !r.trim().is_empty())?;
            let theirs = tokens(&asked);
            let shared = words.iter().filter(|w| theirs.contains(w)).count();
            Some((shared, i, asked, reply))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Suggestion> = Vec::new();
    for (_, _, asked, reply) in ranked {
        if out.len() >= limit {
            break;
        }
        if !out.iter().any(|s| s.answer == reply) {
            out.push(Suggestion {
                answer: reply,
                question: asked,
                same_listing: false,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bm25_prefers_rarer_shared_words_and_shorter_texts() {
        let query = vec![("marino".to_owned(), 2), ("azul".to_owned(), 40)];
        let rare = bm25(&tokens("¿Hay azul marino?"), &query, 100, 4.0);
        let common = bm25(&tokens("¿Hay azul?"), &query, 100, 4.0);
        let none = bm25(&tokens("¿Viene en caja?"), &query, 100, 4.0);
        assert!(rare > common && common > none && none == 0.0);
        let long = bm25(
            &tokens("¿Hay azul marino o verde o rojo o negro o blanco?"),
            &query,
            100,
            4.0,
        );
        assert!(rare > long, "the same words weigh more in a shorter text");
    }

    #[test]
    fn words_fold_like_the_index() {
        assert_eq!(tokens("¿Envío a CÓRDOBA?"), ["envio", "a", "cordoba"]);
    }
}
