//! Reading passages back from the index, and turning them into what users see: the passage view
//! with its ready-to-paste citation.

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::api::PassageView;
use crate::error::Result;
use crate::model::{DocId, Document, Kind, Passage};
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

    /// The passage as shown to users, with its citation (naming its document as `sources` do).
    pub fn view(self, document: &Document, sources: &CitedSources) -> PassageView {
        let citation = citation(&self.passage, document, sources.of(document));
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

/// What citations name each document by: its short source (its title when it has none), and
/// when documents of one kind share that source (an SRT and a WebVTT copy of one recording,
/// whose passages are both `turn 1, 00:00:00`), the file's name after it, so two passages never
/// share a citation. Made once per open index, from the catalog.
#[derive(Debug, Default)]
pub struct CitedSources {
    /// The documents whose source needs their file's name, with the text citations use.
    named: HashMap<DocId, String>,
}

impl CitedSources {
    /// The names of `documents`, every document of an index.
    pub fn new<'a>(documents: impl IntoIterator<Item = &'a Document>) -> CitedSources {
        let mut by_source: HashMap<(&str, Kind), Vec<&Document>> = HashMap::new();
        for document in documents {
            by_source
                .entry((source_of(document), document.kind))
                .or_default()
                .push(document);
        }
        let named = by_source
            .into_iter()
            .filter(|(_, sharing)| sharing.len() > 1)
            .flat_map(|((source, _), sharing)| {
                sharing.into_iter().map(move |document| {
                    let file = Path::new(&document.file)
                        .file_name()
                        .map_or(document.file.as_str(), |name| {
                            name.to_str().unwrap_or(&document.file)
                        });
                    (document.id.clone(), format!("{source} ({file})"))
                })
            })
            .collect();
        CitedSources { named }
    }

    /// The source a citation of `document` names.
    pub fn of<'a>(&'a self, document: &'a Document) -> &'a str {
        self.named
            .get(&document.id)
            .map_or_else(|| source_of(document), String::as_str)
    }
}

/// A document's short source, or its title when it has none.
fn source_of(document: &Document) -> &str {
    document.source.as_deref().unwrap_or(&document.title)
}

/// `[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42`: who said it, the document's
/// `source` (see [`CitedSources`]), and where in the document.
pub fn citation(passage: &Passage, document: &Document, source: &str) -> String {
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

    /// The citation of `passage` in an index holding `document` alone.
    fn cite(passage: &Passage, document: &Document) -> String {
        let sources = CitedSources::new([document]);
        citation(passage, document, sources.of(document))
    }

    #[test]
    fn copies_of_one_source_are_told_apart_by_their_file() {
        let copy = |id: &str, file: &str| Document {
            file: file.into(),
            source: Some("McDermott et al. 2019, BMJ Open".into()),
            ..Document::example(id, Kind::Other)
        };
        let (srt, vtt) = (
            copy("quote-srt", "documents/quote.srt"),
            copy("quote-vtt", "documents/quote.vtt"),
        );
        let article = Document::example("article", Kind::Article);
        let sources = CitedSources::new([&srt, &vtt, &article]);
        assert_eq!(
            sources.of(&srt),
            "McDermott et al. 2019, BMJ Open (quote.srt)"
        );
        assert_eq!(
            sources.of(&vtt),
            "McDermott et al. 2019, BMJ Open (quote.vtt)"
        );
        assert_eq!(sources.of(&article), source_of(&article));
        assert_ne!(
            citation(&passage(), &srt, sources.of(&srt)),
            citation(&passage(), &vtt, sources.of(&vtt))
        );
    }

    #[test]
    fn citations() {
        assert_eq!(
            cite(&passage(), &document()),
            "[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42"
        );
        let mut prose = passage();
        prose.speaker = None;
        prose.role = None;
        assert_eq!(
            cite(&prose, &document()),
            "McDermott et al. 2019, BMJ Open, para 42"
        );
        let mut at_site = passage();
        at_site.site = Some(Site("site 2".into()));
        assert_eq!(
            cite(&at_site, &document()),
            "[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42, site 2"
        );
    }
}
