//! Sets against real indexes built in temporary folders.

use std::fs;
use std::path::Path;

use super::*;
use crate::{BuildOptions, build};

const INTERVIEW: &str = "---\ntitle: Interview 1\nkind: interview\n---\n\
    Interviewer: Tell me about trust.\n\
    ID1: Trust between practices took years.\n\
    Interviewer: And now?\n\
    ID1: We trust the federation, mostly.\n\
    ID2: I do not trust the numbers.\n";

const OTHER: &str = "---\ntitle: Interview 2\nkind: interview\n---\n\
    ID3: Trust is earned in meetings.\n";

fn corpus(dir: &Path, interview: &str, other: Option<&str>) {
    let docs = dir.join("documents");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("interview-1.md"), interview).unwrap();
    match other {
        Some(text) => fs::write(docs.join("interview-2.md"), text).unwrap(),
        None => fs::remove_file(docs.join("interview-2.md")).unwrap(),
    }
}

fn rebuild(corpus: &Path, index: &Path) -> Index {
    let options = BuildOptions {
        force: true,
        ..BuildOptions::default()
    };
    build(corpus, index, &options).unwrap();
    Index::open(index).unwrap()
}

fn refs(set: &HitSet) -> Vec<String> {
    set.passages
        .iter()
        .map(|p| p.position().to_string())
        .collect()
}

fn trust() -> SavedSearch {
    SavedSearch {
        q: "trust".into(),
        filters: Filters::default(),
    }
}

#[test]
fn a_set_survives_rebuilds_and_rerun_names_each_change() {
    let corpus_dir = tempfile::tempdir().unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    corpus(corpus_dir.path(), INTERVIEW, Some(OTHER));
    let index = rebuild(corpus_dir.path(), index_dir.path());

    let mut set = HitSet::from_search(&index, trust(), "who trusts whom".into()).unwrap();
    assert_eq!(
        refs(&set),
        [
            "interview-1#1",
            "interview-1#2",
            "interview-1#4",
            "interview-1#5",
            "interview-2#1"
        ]
    );
    set.drop_passages(&["interview-1#1".parse().unwrap()])
        .unwrap();
    set.unit = Unit::Turn;
    let store = SetStore::of_index(index_dir.path());
    let name = SetName::parse("trust").unwrap();
    store.save(&name, &set).unwrap();

    // A turn inserted above ID1's second hit, a typo fixed in ID2's, interview 2 deleted.
    let edited = INTERVIEW
        .replace(
            "Interviewer: And now?\n",
            "Interviewer: And now?\nID1: Hard to say.\n",
        )
        .replace("I do not trust the numbers.", "I do not trust the figures.");
    corpus(corpus_dir.path(), &edited, None);
    let index = rebuild(corpus_dir.path(), index_dir.path());

    let set = store.load(&name).unwrap();
    assert_eq!(set.unit, Unit::Turn);
    let report = set.rerun(&index).unwrap();
    let positions = |ps: &[SavedPassage]| {
        ps.iter()
            .map(|p| p.position().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(positions(&report.kept), ["interview-1#2", "interview-1#5"]);
    assert_eq!(report.moved.len(), 1);
    assert_eq!(report.moved[0].was.to_string(), "interview-1#4");
    assert_eq!(report.moved[0].now.to_string(), "interview-1#5");
    assert_eq!(report.changed.len(), 1);
    assert_eq!(report.changed[0].was.text, "I do not trust the numbers.");
    assert_eq!(
        report.changed[0].now.position().to_string(),
        "interview-1#6"
    );
    assert!(report.changed[0].matches);
    assert_eq!(positions(&report.gone), ["interview-2#1"]);
    assert!(
        report.gone[0].citation.contains("Interview 2"),
        "{}",
        report.gone[0].citation
    );
    assert!(report.new.is_empty() && report.lost.is_empty() && report.removed.is_empty());

    let accepted = report.accept(&set);
    assert_eq!(
        refs(&accepted),
        ["interview-1#2", "interview-1#5", "interview-1#6"]
    );
    assert_eq!(accepted.dropped.len(), 1);
    assert!(accepted.rerun(&index).unwrap().is_unchanged());
}

#[test]
fn excerpts_widen_to_the_unit() {
    let corpus_dir = tempfile::tempdir().unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    corpus(corpus_dir.path(), INTERVIEW, Some(OTHER));
    let index = rebuild(corpus_dir.path(), index_dir.path());
    let search = SavedSearch {
        q: "federation".into(),
        filters: Filters::default(),
    };
    let mut set = HitSet::from_search(&index, search, String::new()).unwrap();
    assert_eq!(
        set.excerpts(&index).unwrap()[0].text,
        "ID1: We trust the federation, mostly."
    );
    set.unit = Unit::Context(1);
    let excerpt = &set.excerpts(&index).unwrap()[0];
    assert_eq!((excerpt.from, excerpt.to), (3, 5));
    assert!(
        excerpt
            .text
            .starts_with("Interviewer: And now?\n\nID1: We trust"),
        "{}",
        excerpt.text
    );
}

#[test]
fn added_passages_stay_and_dropped_ones_are_not_offered_again() {
    let corpus_dir = tempfile::tempdir().unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    corpus(corpus_dir.path(), INTERVIEW, Some(OTHER));
    let index = rebuild(corpus_dir.path(), index_dir.path());
    let mut set = HitSet::from_search(&index, trust(), String::new()).unwrap();
    set.drop_passages(&["interview-2#1".parse().unwrap()])
        .unwrap();
    set.add_passages(&index, &["interview-1#3".parse().unwrap()])
        .unwrap();
    assert!(set.passages.iter().any(|p| p.added && p.passage == 3));
    let report = set.rerun(&index).unwrap();
    assert!(report.is_unchanged(), "{report:?}");
    let err = set
        .drop_passages(&["interview-2#1".parse().unwrap()])
        .unwrap_err();
    assert_eq!(err.to_string(), "passages: interview-2#1 is not in the set");
}

#[test]
fn a_hand_broken_set_file_names_its_line_and_spares_the_others() {
    let index_dir = tempfile::tempdir().unwrap();
    let store = SetStore::of_index(index_dir.path());
    let good = HitSet {
        description: String::new(),
        unit: Unit::Context(2),
        search: trust(),
        passages: Vec::new(),
        dropped: Vec::new(),
    };
    store.save(&SetName::parse("good").unwrap(), &good).unwrap();
    fs::write(
        store.dir().join("bad.toml"),
        "unit = \"turn\"\n[search\nq = 1\n",
    )
    .unwrap();
    let list = store.list().unwrap();
    assert_eq!(list.sets.len(), 1);
    assert_eq!(list.sets[0].name.as_str(), "good");
    assert_eq!(list.sets[0].unit, Unit::Context(2));
    assert_eq!(list.errors.len(), 1);
    let bad = store.dir().join("bad.toml").display().to_string();
    assert!(
        list.errors[0].starts_with(&format!("{bad}:2: ")),
        "{}",
        list.errors[0]
    );
    let err = store.load(&SetName::parse("bad").unwrap()).unwrap_err();
    assert!(matches!(err, Error::Malformed { line: 2, .. }), "{err}");
    let missing = store.load(&SetName::parse("none").unwrap()).unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }));
}

#[test]
fn units_read_and_write_as_text() {
    for unit in ["passage", "turn", "context=3"] {
        assert_eq!(unit.parse::<Unit>().unwrap().to_string(), unit);
    }
    for bad in ["context=0", "context=21", "paragraph", "context="] {
        assert!(bad.parse::<Unit>().is_err(), "{bad}");
    }
}
