//! Output formats, one module per format. Every writer takes the API types (or a batch
//! [`crate::appendix::Appendix`] built from them) and a `Write`; none of them searches.

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod markdown;
pub mod table;

/// A hit as the engine would return it, for the format tests.
#[cfg(test)]
pub(crate) fn sample_hit() -> indexer::api::Hit {
    use indexer::api::{Hit, PassageView, Snippet, Span};
    use indexer::model::{Kind, Lang, Origin};
    let text = "You can't just throw half a dozen professionals in a room\nand expect them to work together";
    Hit {
        passage: PassageView {
            doc_id: "mcdermott-2019-integrated-care".into(),
            passage: 42,
            locator: "para 42".into(),
            section: Some("Results".into()),
            speaker: Some("ID9".into()),
            role: Some("Independent GP".into()),
            role_group: Some("GP".into()),
            site: Some("site 1".into()),
            attribution: None,
            lang: Lang::En,
            text: text.into(),
            attrs: Default::default(),
            citation: "[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42".into(),
            origin: Origin {
                file: "documents/mcdermott-2019-integrated-care.md".into(),
                line: 120,
            },
        },
        title: "Integrated care".into(),
        kind: Kind::Article,
        highlights: vec![Span { start: 40, end: 53 }],
        snippet: Snippet {
            text: text.into(),
            highlights: vec![],
        },
        score: 1.5,
        translation: None,
        context: None,
    }
}
