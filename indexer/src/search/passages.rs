//! Reading passages back from the index, and turning them into what users see: the passage view
//! with its ready-to-paste citation.

use std::ops::Bound;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::api::PassageView;
use crate::error::Result;
use crate::model::{DocId, Document, Passage};
use crate::record;
use crate::schema::Fields;

/// A passage as stored in the index.
pub struct StoredPassage {
    /// The passage.
    pub passage: Passage,
}

impl StoredPassage {
    /// Reads the stored fields of one indexed passage.
    pub fn load(searcher: &Searcher, fields: Fields, address: DocAddress) -> Result<StoredPassage> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let passage = record::from_document(fields, &doc)?;
        Ok(StoredPassage { passage })
    }

    /// The passage as shown to users, with its citation.
    pub fn view(self, document: &Document) -> PassageView {
        let citation = citation(&self.passage, document);
        let p = self.passage;
        PassageView {
            doc_id: p.doc.to_string(),
            passage: p.ordinal,
            locator: p.locator,
            section: p.section,
            speaker: p.speaker.map(|s| s.to_string()),
            role: p.role.map(|r| r.to_string()),
            role_group: p.role_group.map(|g| g.to_string()),
            site: p.site.map(|s| s.to_string()),
            attribution: p.attribution,
            lang: p.lang,
            text: p.text,
            attrs: p.attrs,
            citation,
            origin: p.origin,
        }
    }
}

/// `[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42`: who said it, the document's
/// short source (its title when it has none), and where in the document.
pub fn citation(passage: &Passage, document: &Document) -> String {
    let source = document.source.as_deref().unwrap_or(&document.title);
    let site = match (&passage.site, &passage.attribution, &document.site) {
        // A transcript's own site is already in its source; a participant's site is worth saying.
        (Some(site), None, None) => format!(", {site}"),
        _ => String::new(),
    };
    match passage.speaker_label() {
        Some(label) => format!("{label} {source}, {}{site}", passage.locator),
        None => format!("{source}, {}", passage.locator),
    }
}

/// Passages `from..=to` of a document, in order.
pub fn between(
    searcher: &Searcher,
    fields: Fields,
    doc: &DocId,
    from: u32,
    to: u32,
) -> Result<Vec<StoredPassage>> {
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.doc_id, doc.as_str()),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.ordinal, u64::from(from))),
                Bound::Included(Term::from_field_u64(fields.ordinal, u64::from(to))),
            )),
        ),
    ]);
    let mut passages = searcher
        .search(&query, &DocSetCollector)?
        .into_iter()
        .map(|address| StoredPassage::load(searcher, fields, address))
        .collect::<Result<Vec<_>>>()?;
    passages.sort_by_key(|p| p.passage.ordinal);
    Ok(passages)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Kind, Lang, Origin, Role, Site, SpeakerId};

    fn document() -> Document {
        Document {
            title: "Achieving integrated care".into(),
            date: Some("2019-04-01".into()),
            source: Some("McDermott et al. 2019, BMJ Open".into()),
            ..Document::example("mcdermott-2019", Kind::Article)
        }
    }

    fn passage() -> Passage {
        Passage {
            doc: DocId("mcdermott-2019".into()),
            ordinal: 42,
            locator: "para 42".into(),
            section: None,
            speaker: Some(SpeakerId("ID9".into())),
            role: Some(Role("Independent GP".into())),
            role_group: None,
            site: None,
            attribution: None,
            lang: Lang::En,
            text: String::new(),
            attrs: BTreeMap::new(),
            origin: Origin {
                file: "documents/a.md".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn citations() {
        assert_eq!(
            citation(&passage(), &document()),
            "[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42"
        );
        let mut prose = passage();
        prose.speaker = None;
        prose.role = None;
        assert_eq!(
            citation(&prose, &document()),
            "McDermott et al. 2019, BMJ Open, para 42"
        );
        let mut at_site = passage();
        at_site.site = Some(Site("site 2".into()));
        assert_eq!(
            citation(&at_site, &document()),
            "[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42, site 2"
        );
    }
}
