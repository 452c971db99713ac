//! The SQLite FTS5 baseline (rusqlite with its bundled SQLite).
//!
//! English is indexed by an FTS5 table with the `porter unicode61` tokenizer; unicode61 makes a
//! whole run of Han characters one token, useless for Chinese, so passages with Chinese in them
//! are also indexed by a second table with the `trigram` tokenizer, which answers Chinese and
//! mixed queries as substring matches (every query word has at least three characters). Role,
//! role group and site are `UNINDEXED` columns of the English table, filtered after the match;
//! facet counts come from one `GROUP BY role, site` over the matches.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{Connection, params};

use super::corpus_gen::Row;
use super::queries::BenchQuery;

/// Creates the database at `path` and inserts every row in one transaction.
pub fn build(path: &Path, rows: impl Iterator<Item = Row>) -> Result<u64> {
    let mut db = Connection::open(path).with_context(|| format!("creating {}", path.display()))?;
    // A bulk load into a fresh file: durability would only measure the disk.
    db.execute_batch(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA cache_size = -262144;
         CREATE VIRTUAL TABLE passages USING fts5(
             text, role UNINDEXED, role_group UNINDEXED, site UNINDEXED,
             tokenize = 'porter unicode61');
         CREATE VIRTUAL TABLE passages_zh USING fts5(text, tokenize = 'trigram');",
    )?;
    let tx = db.transaction()?;
    let mut count = 0i64;
    {
        let mut english = tx.prepare(
            "INSERT INTO passages (rowid, text, role, role_group, site) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut chinese = tx.prepare("INSERT INTO passages_zh (rowid, text) VALUES (?1, ?2)")?;
        for row in rows {
            count += 1;
            english.execute(params![count, row.text, row.role, row.role_group, row.site])?;
            if row.chinese {
                chinese.execute(params![count, row.text])?;
            }
        }
    }
    tx.commit()?;
    Ok(count.unsigned_abs())
}

/// An open FTS5 database answering the query mix.
pub struct Fts5 {
    db: Connection,
}

impl Fts5 {
    /// Opens the database built by [`build`].
    pub fn open(path: &Path) -> Result<Fts5> {
        let db = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        Ok(Fts5 { db })
    }

    /// Runs `query` like Verbatim does (top 10 by relevance with their text, the total, and
    /// facet counts when asked); returns the total.
    pub fn search(&self, query: &BenchQuery) -> Result<u64> {
        let (table, expression) = match_expression(query);
        let mut filters = String::new();
        let mut values: Vec<String> = vec![expression];
        if let Some(role) = &query.role {
            values.push(role.clone());
            filters.push_str(&format!(
                " AND (role = ?{n} COLLATE NOCASE OR role_group = ?{n} COLLATE NOCASE)",
                n = values.len()
            ));
        }
        if let Some(site) = &query.site {
            values.push(site.clone());
            filters.push_str(&format!(" AND site = ?{} COLLATE NOCASE", values.len()));
        }
        let top = format!(
            "SELECT rowid, text FROM {table} WHERE {table} MATCH ?1{filters} ORDER BY rank LIMIT 10"
        );
        let mut statement = self.db.prepare_cached(&top)?;
        let mut rows = statement.query(rusqlite::params_from_iter(&values))?;
        let mut text_bytes = 0usize;
        while let Some(row) = rows.next()? {
            text_bytes += row.get_ref(1)?.as_str()?.len();
        }
        std::hint::black_box(text_bytes);

        if query.facets {
            // Total, role counts and site counts from one pass over the matches.
            let grouped = format!(
                "SELECT role, site, count(*) FROM {table} WHERE {table} MATCH ?1{filters} GROUP BY role, site"
            );
            let mut statement = self.db.prepare_cached(&grouped)?;
            let mut rows = statement.query(rusqlite::params_from_iter(&values))?;
            let mut roles = std::collections::HashMap::<Option<String>, u64>::new();
            let mut sites = std::collections::HashMap::<String, u64>::new();
            let mut total = 0u64;
            while let Some(row) = rows.next()? {
                let count: i64 = row.get(2)?;
                let count = count.unsigned_abs();
                total += count;
                *roles.entry(row.get(0)?).or_default() += count;
                *sites.entry(row.get(1)?).or_default() += count;
            }
            std::hint::black_box((roles, sites));
            return Ok(total);
        }
        let count = format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1{filters}");
        let mut statement = self.db.prepare_cached(&count)?;
        let total: i64 =
            statement.query_row(rusqlite::params_from_iter(&values), |row| row.get(0))?;
        Ok(total.unsigned_abs())
    }
}

/// The table to ask and the FTS5 match expression: quoted words (implicit AND), a quoted
/// phrase, or `prefix*`.
fn match_expression(query: &BenchQuery) -> (&'static str, String) {
    let mut parts: Vec<String> = query.words.iter().map(|w| quoted(w)).collect();
    if let Some(phrase) = &query.phrase {
        parts.push(quoted(phrase));
    }
    if let Some(prefix) = &query.prefix {
        parts.push(format!("{}*", quoted(prefix)));
    }
    let table = if query.is_chinese() {
        "passages_zh"
    } else {
        "passages"
    };
    (table, parts.join(" "))
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}
