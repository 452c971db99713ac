//! End-to-end tests of the indexer library over the demo corpus: attributed quotes, Chinese,
//! role groups, facets, context, incremental rebuilds and malformed input.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use indexer::api::{FacetField, Filters, SearchRequest, SearchResponse, Sort};
use indexer::{BuildOptions, Error, Index};
use verbatim_tests::{corpus_dir, open_demo_index};

const ARTICLE: &str = "mcdermott-2019-integrated-care";

fn search(index: &Index, req: SearchRequest) -> SearchResponse {
    index
        .search(&req)
        .unwrap_or_else(|e| panic!("search {:?} failed: {e}", req.q))
}

fn with_role(q: &str, roles: &[&str]) -> SearchRequest {
    SearchRequest {
        filters: Filters {
            role: roles.iter().map(|r| r.to_string()).collect(),
            ..Filters::default()
        },
        limit: 1000,
        ..SearchRequest::new(q)
    }
}

/// Copies the demo corpus into a temp dir so a test may change it.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&corpus_dir(), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn phrases_find_attributed_quotes_with_speaker_and_role() {
    let index = open_demo_index();
    let cases = [
        (
            "\"integration is more than co-location\"",
            "ID9",
            "Independent GP",
            "GP",
        ),
        (
            "\"lends itself to commission primary care\"",
            "ID42",
            "Manager",
            "manager",
        ),
        (
            "\"unassailable logic\"",
            "ID18",
            "CCG Accountable Officer",
            "manager",
        ),
        ("\"pool budgets together\"", "ID14", "Lay member", "lay"),
        ("\"to drive forward collaboration\"", "ID16", "GP", "GP"),
    ];
    for (q, speaker, role, group) in cases {
        let res = search(&index, SearchRequest::new(q));
        let hit = res
            .hits
            .iter()
            .find(|h| h.passage.speaker.as_deref() == Some(speaker))
            .unwrap_or_else(|| panic!("{q}: no hit by {speaker} in {:#?}", res.hits));
        assert_eq!(hit.passage.role.as_deref(), Some(role), "{q}");
        assert_eq!(hit.passage.role_group.as_deref(), Some(group), "{q}");
        assert_eq!(hit.passage.doc_id, ARTICLE);
        let prefix = format!("[{role} {speaker}] McDermott et al. 2019, BMJ Open, para ");
        assert!(
            hit.passage.citation.starts_with(&prefix),
            "{q}: citation {:?}",
            hit.passage.citation
        );
        assert!(!hit.highlights.is_empty(), "{q}: no highlights");
    }
}

#[test]
fn inline_meeting_quote_carries_its_site() {
    let index = open_demo_index();
    let res = search(
        &index,
        SearchRequest {
            filters: Filters {
                site: vec!["Site 1".into()],
                ..Filters::default()
            },
            ..SearchRequest::new("\"strategic step towards budget delegation\"")
        },
    );
    assert_eq!(res.total, 1, "{:#?}", res.hits);
    let hit = &res.hits[0];
    assert_eq!(hit.passage.site.as_deref(), Some("site 1"));
    assert_eq!(hit.passage.speaker, None);
    assert_eq!(
        hit.passage.text,
        "strategic step towards budget delegation and (development of new models of care)"
    );
    assert!(
        hit.passage
            .citation
            .starts_with("[Primary Care Commissioning Committee meeting site 1] ")
    );
}

#[test]
fn chinese_words_find_the_chinese_abstract_and_its_translation() {
    let index = open_demo_index();
    for q in [
        "初级保健",
        "临床委托组",
        "综合保健系统",
        "\"初级保健委托\"",
        "保健",
    ] {
        let res = search(&index, SearchRequest::new(q));
        assert!(res.total > 0, "{q} found nothing");
        for hit in &res.hits {
            assert_eq!(hit.passage.doc_id, "mcdermott-2019-abstract-zh", "{q}");
            assert_eq!(
                hit.translation.as_deref(),
                Some("mcdermott-2019-abstract-en")
            );
            assert!(
                !hit.highlights.is_empty(),
                "{q}: no highlights in {}",
                hit.passage.text
            );
        }
    }
    // Latin words inside Chinese text answer English queries.
    let res = search(
        &index,
        SearchRequest {
            filters: Filters {
                lang: vec!["zh".parse().unwrap()],
                ..Filters::default()
            },
            ..SearchRequest::new("STP")
        },
    );
    assert!(res.total >= 1);
    // A mixed query: both words must be in the passage.
    let res = search(&index, SearchRequest::new("CCGs 初级保健"));
    assert!(res.total >= 1 && res.hits.iter().all(|h| h.passage.lang.as_str() == "zh"));
}

#[test]
fn role_group_filters_exclude_other_groups() {
    let index = open_demo_index();
    let gps = search(&index, with_role("", &["GP"]));
    let managers = search(&index, with_role("", &["manager"]));
    assert!(gps.total >= 3, "expected GP quotes, got {}", gps.total);
    assert!(
        managers.total >= 4,
        "expected manager quotes, got {}",
        managers.total
    );
    assert!(
        gps.hits
            .iter()
            .all(|h| h.passage.role_group.as_deref() == Some("GP")),
        "{:#?}",
        gps.hits
    );
    assert!(
        managers
            .hits
            .iter()
            .all(|h| h.passage.role_group.as_deref() == Some("manager"))
    );
    // An exact role, in any case, matches only itself.
    let independent = search(&index, with_role("", &["independent gp"]));
    assert!(independent.total >= 2);
    assert!(
        independent
            .hits
            .iter()
            .all(|h| h.passage.role.as_deref() == Some("Independent GP"))
    );
    // Any-of within a filter.
    let both = search(&index, with_role("", &["GP", "manager"]));
    assert_eq!(both.total, gps.total + managers.total);
}

#[test]
fn facet_counts_cover_every_match_not_just_the_page() {
    let index = open_demo_index();
    let req = SearchRequest {
        facets: vec![FacetField::Kind, FacetField::RoleGroup],
        limit: 2,
        ..SearchRequest::new("primary care")
    };
    let res = search(&index, req.clone());
    assert!(res.total > 2);
    let kinds = &res.facets["kind"];
    assert_eq!(kinds.iter().map(|f| f.count).sum::<u64>(), res.total);
    for facet in kinds {
        let filtered = search(
            &index,
            SearchRequest {
                filters: Filters {
                    kind: vec![facet.value.parse().unwrap()],
                    ..Filters::default()
                },
                ..req.clone()
            },
        );
        assert_eq!(filtered.total, facet.count, "kind {}", facet.value);
    }
}

#[test]
fn context_and_document_order() {
    let index = open_demo_index();
    let res = search(
        &index,
        SearchRequest {
            context: 2,
            ..SearchRequest::new("\"half a dozen professionals\"")
        },
    );
    let hit = &res.hits[0];
    let ctx = hit.context.as_ref().expect("context asked for");
    let before: Vec<u32> = ctx.before.iter().map(|p| p.passage).collect();
    let after: Vec<u32> = ctx.after.iter().map(|p| p.passage).collect();
    assert_eq!(before, [hit.passage.passage - 2, hit.passage.passage - 1]);
    assert_eq!(after, [hit.passage.passage + 1, hit.passage.passage + 2]);
    let detail = index
        .passage(&hit.passage.doc_id, hit.passage.passage, 1)
        .unwrap();
    assert_eq!(detail.passage.text, hit.passage.text);
    assert_eq!(detail.context.before[0].text, ctx.before[1].text);

    let sorted = search(
        &index,
        SearchRequest {
            sort: Sort::Doc,
            limit: 1000,
            ..SearchRequest::new("commissioning")
        },
    );
    let keys: Vec<(String, u32)> = sorted
        .hits
        .iter()
        .map(|h| (h.passage.doc_id.clone(), h.passage.passage))
        .collect();
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(keys, expected);
}

#[test]
fn prefixes_exclusions_and_query_errors() {
    let index = open_demo_index();
    let res = search(
        &index,
        SearchRequest {
            limit: 1000,
            ..SearchRequest::new("integrat*")
        },
    );
    let words: Vec<String> = res
        .hits
        .iter()
        .flat_map(|h| {
            let chars: Vec<char> = h.passage.text.chars().collect();
            h.highlights.iter().map(move |s| {
                chars[s.start..s.end]
                    .iter()
                    .collect::<String>()
                    .to_lowercase()
            })
        })
        .collect();
    assert!(
        words.iter().any(|w| w == "integration") && words.iter().any(|w| w == "integrated"),
        "{words:?}"
    );

    let all = search(&index, SearchRequest::new("STP")).total;
    let without = search(&index, SearchRequest::new("STP -footprint")).total;
    assert!(
        without < all,
        "excluding a word removed nothing ({without} vs {all})"
    );

    match index.search(&SearchRequest::new("\"primary care")) {
        Err(Error::Query { column, .. }) => assert_eq!(column, 1),
        other => panic!("expected a query error, got {other:?}"),
    }
}

#[test]
fn rebuilds_do_only_what_changed() {
    let corpus = corpus_copy();
    let index_dir = tempfile::tempdir().unwrap();
    let options = BuildOptions::default();
    let first = indexer::build(corpus.path(), index_dir.path(), &options).unwrap();
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.files_indexed, 12);

    let second = indexer::build(corpus.path(), index_dir.path(), &options).unwrap();
    assert!(second.up_to_date);
    assert_eq!((second.files_indexed, second.passages), (0, first.passages));

    let doc = corpus
        .path()
        .join("documents/prucomm-research-review-2017.txt");
    let text = fs::read_to_string(&doc).unwrap() + "\nA new paragraph about quokkas.\n";
    fs::write(&doc, text).unwrap();
    fs::remove_file(corpus.path().join("documents/prucomm-qof-review.docx")).unwrap();
    let third = indexer::build(corpus.path(), index_dir.path(), &options).unwrap();
    assert_eq!((third.files_indexed, third.files_removed), (1, 1));
    assert_eq!(third.documents, first.documents - 1);

    let index = Index::open(index_dir.path()).unwrap();
    assert_eq!(search(&index, SearchRequest::new("quokkas")).total, 1);
    assert_eq!(
        search(
            &index,
            SearchRequest::new("\"Quality and Outcomes Framework\"")
        )
        .hits
        .iter()
        .filter(|h| h.passage.doc_id == "prucomm-qof-review")
        .count(),
        0
    );
    // The article was not touched, and is still found.
    assert!(search(&index, SearchRequest::new("\"unassailable logic\"")).total >= 1);
}

#[test]
fn malformed_files_are_reported_and_the_rest_indexed() {
    let corpus = corpus_copy();
    let docs = corpus.path().join("documents");
    fs::write(
        docs.join("bad.md"),
        "---\ntitle: Bad\nkind: memo\n---\nText.\n",
    )
    .unwrap();
    fs::write(docs.join("notes.docx"), b"PK\x03\x04").unwrap();
    fs::write(docs.join("slides.pptx"), b"PK\x03\x04").unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    let report = indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
    assert_eq!(report.documents, 12);
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    let message = report.errors[0].to_string();
    assert!(
        message.contains("bad.md:3:"),
        "error should name file and line: {message}"
    );
    // A truncated Word file is named as such.
    let message = report.errors[1].to_string();
    assert!(
        message.contains("notes.docx:0: the Word document cannot be opened"),
        "{message}"
    );
    assert!(
        report
            .skipped
            .iter()
            .any(|(file, _)| file.ends_with("slides.pptx"))
    );
    // A second run with nothing changed still reports the problems.
    let again = indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
    assert!(again.up_to_date);
    assert_eq!(again.errors.len(), 2);
}

#[test]
fn stats_and_participants() {
    let index = open_demo_index();
    let stats = index.stats().unwrap();
    assert_eq!(stats.documents, 12);
    assert_eq!(
        stats.languages.values().map(|l| l.passages).sum::<u64>(),
        stats.passages
    );
    assert!(stats.languages["zh"].passages >= 5);
    let participants = index.participants().unwrap();
    let ids: Vec<&str> = participants.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["ID9", "ID14", "ID16", "ID18", "ID19", "ID42"]);
    let id9 = &participants[0];
    assert_eq!(
        (id9.role.as_deref(), id9.role_group.as_deref(), id9.passages),
        (Some("Independent GP"), Some("GP"), 2)
    );
}

/// A small study in every ingest format: transcripts with timestamps, a JSONL import, and a
/// participants sheet with attribute columns.
fn write_study(dir: &Path) {
    fs::create_dir_all(dir.join("documents")).unwrap();
    fs::write(
        dir.join("participants.csv"),
        "id,role,site,Gender,Years in post\nID1,Independent GP,site 1,female,12\nID2,Practice manager,site 2,male,3\nID3,GP,site 2,male,20\n",
    )
    .unwrap();
    fs::write(
        dir.join("role_groups.toml"),
        "[groups]\nGP = [\"GP\", \"Independent GP\"]\nmanager = [\"Practice manager\"]\n",
    )
    .unwrap();
    fs::write(
        dir.join("documents/interview-1.md"),
        "---\ntitle: Interview 1\nkind: interview\ndate: 2016-03-02\n---\n\
         [00:00:05] Interviewer: How do the practices work together?\n\
         [00:00:12] ID1: We pooled budgets for the enhanced services,\n\
         which took a year of trust building.\n\
         [00:01:40] Interviewer: And the federation?\n\
         [00:01:52] ID1: The federation holds the contract now.\n",
    )
    .unwrap();
    fs::write(
        dir.join("documents/interview-2.txt"),
        "---\ntitle: Interview 2\nkind: interview\ndate: 2017\n---\nID2: Trust between practices is fragile.\nID3: Trust has to be earned.\n",
    )
    .unwrap();
    fs::write(
        dir.join("meetings.jsonl"),
        "{\"doc\": \"meeting-3\", \"title\": \"Committee meeting 3\", \"kind\": \"meeting\", \"date\": \"2018-05\", \"speaker\": \"ID2\", \"text\": \"We cannot pool budgets without trust.\"}\n\
         {\"doc\": \"meeting-3\", \"speaker\": \"ID3\", \"text\": \"会议讨论了初级保健的预算。\"}\n",
    )
    .unwrap();
}

#[test]
fn transcripts_jsonl_and_participant_attributes_end_to_end() {
    let corpus = tempfile::tempdir().unwrap();
    write_study(corpus.path());
    let index_dir = tempfile::tempdir().unwrap();
    let report = indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.documents, report.passages), (3, 8));
    let index = Index::open(index_dir.path()).unwrap();

    // A multi-line turn is one passage, cited with its timestamp, joined with the sheet.
    let res = search(&index, SearchRequest::new("\"trust building\""));
    assert_eq!(res.total, 1);
    let hit = &res.hits[0];
    assert_eq!(
        hit.passage.text,
        "We pooled budgets for the enhanced services, which took a year of trust building."
    );
    assert_eq!(
        hit.passage.citation,
        "[Independent GP ID1] Interview 1, turn 2, 00:00:12, site 1"
    );
    assert_eq!(hit.passage.attrs["gender"], "female");
    assert_eq!(hit.passage.attrs["years_in_post"], "12");

    // Attribute filters and facets, case-insensitive in name and value.
    let req = SearchRequest {
        filters: Filters {
            attr: [("Gender".to_string(), vec!["MALE".to_string()])].into(),
            ..Filters::default()
        },
        facets: vec![
            FacetField::Attr("gender".into()),
            FacetField::Site,
            FacetField::Year,
        ],
        limit: 100,
        ..SearchRequest::new("trust")
    };
    let res = search(&index, req);
    let speakers: Vec<&str> = res
        .hits
        .iter()
        .filter_map(|h| h.passage.speaker.as_deref())
        .collect();
    assert_eq!(res.total, 3, "{speakers:?}");
    assert!(speakers.iter().all(|s| *s == "ID2" || *s == "ID3"));
    assert_eq!(
        res.facets["attr.gender"],
        [indexer::api::FacetCount {
            value: "male".into(),
            count: 3,
            participants: 2,
            of: 2
        }]
    );
    let years: Vec<&str> = res.facets["year"]
        .iter()
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(years, ["2017", "2018"]);

    // An attribute the sheet does not have is a field error, not silently nothing.
    let bad = SearchRequest {
        filters: Filters {
            attr: [("colour".to_string(), vec!["red".to_string()])].into(),
            ..Filters::default()
        },
        ..SearchRequest::new("trust")
    };
    assert!(matches!(
        index.search(&bad),
        Err(Error::InvalidValue { .. })
    ));

    // Role groups from the corpus config; the Chinese JSONL line keeps its speaker's role.
    let managers = search(&index, with_role("", &["manager"]));
    assert_eq!(managers.total, 2);
    let zh = search(&index, SearchRequest::new("初级保健"));
    assert_eq!(zh.total, 1);
    assert_eq!(
        (
            zh.hits[0].passage.role.as_deref(),
            zh.hits[0].passage.lang.as_str()
        ),
        (Some("GP"), "zh")
    );

    // Year filters and date order.
    let recent = search(
        &index,
        SearchRequest {
            filters: Filters {
                year: "2017..".parse().ok(),
                ..Filters::default()
            },
            sort: Sort::Date,
            limit: 100,
            ..SearchRequest::new("")
        },
    );
    let docs: Vec<&str> = recent
        .hits
        .iter()
        .map(|h| h.passage.doc_id.as_str())
        .collect();
    assert_eq!(
        docs,
        ["meeting-3", "meeting-3", "interview-2", "interview-2"]
    );
}

/// What the generator wrote of one document.
struct Generated {
    year: String,
    /// Turns, each a passage.
    turns: usize,
    /// Turns by participants of the GP role group.
    gp_turns: usize,
}

/// A generated study of `interviews` interviews (ids from `first`; a file written before is
/// rewritten), each between an interviewer and one to three of 40 participants in four sites,
/// written under `dir`; returns what each document holds.
fn write_generated_study(
    dir: &Path,
    first: usize,
    interviews: usize,
    rng: &mut verbatim_tests::Rng,
) -> BTreeMap<String, Generated> {
    const ROLES: [&str; 4] = ["GP", "Independent GP", "Practice manager", "Nurse"];
    const WORDS: [&str; 12] = [
        "trust",
        "budget",
        "practice",
        "primary",
        "care",
        "commissioning",
        "federation",
        "contract",
        "patients",
        "money",
        "board",
        "meeting",
    ];
    fs::create_dir_all(dir.join("documents")).unwrap();
    let sheet: String = (0..40)
        .map(|n| {
            let gender = if n % 3 == 0 { "female" } else { "male" };
            format!("P{n},{},site {},{gender}\n", ROLES[n % 4], n % 4 + 1)
        })
        .collect();
    fs::write(
        dir.join("participants.csv"),
        format!("id,role,site,gender\n{sheet}"),
    )
    .unwrap();
    fs::write(
        dir.join("role_groups.toml"),
        "[groups]\nGP = [\"GP\", \"Independent GP\"]\nmanager = [\"Practice manager\"]\n",
    )
    .unwrap();
    let mut written = BTreeMap::new();
    for n in first..first + interviews {
        let year = 2015 + rng.below(4);
        let speakers: Vec<usize> = (0..rng.between(1, 3)).map(|_| rng.below(40)).collect();
        let count = rng.between(6, 20);
        let mut gp_turns = 0;
        let turns: String = (0..count)
            .map(|t| {
                let speaker = if t % 2 == 0 {
                    "Interviewer".to_string()
                } else {
                    let participant = speakers[rng.below(speakers.len())];
                    // Roles GP and Independent GP: the GP group.
                    gp_turns += usize::from(participant % 4 < 2);
                    format!("P{participant}")
                };
                let words: Vec<&str> = (0..rng.between(3, 9))
                    .map(|_| WORDS[rng.below(WORDS.len())])
                    .collect();
                format!("{speaker}: {}.\n", words.join(" "))
            })
            .collect();
        fs::write(
            dir.join(format!("documents/interview-{n}.md")),
            format!("---\ntitle: Interview {n}\nkind: interview\ndate: {year}\n---\n{turns}"),
        )
        .unwrap();
        written.insert(
            format!("interview-{n}"),
            Generated {
                year: year.to_string(),
                turns: count,
                gp_turns,
            },
        );
    }
    written
}

#[test]
fn issue_14_participant_counts_over_segments_equal_the_speakers_of_the_matches() {
    let corpus = tempfile::tempdir().unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    let mut rng = verbatim_tests::Rng::new(14);
    let mut written = write_generated_study(corpus.path(), 0, 25, &mut rng);
    indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
    // A second build rewrites five files and adds twenty: a second segment, deleted passages
    // in the first, and the same participants speaking in both.
    written.extend(write_generated_study(corpus.path(), 20, 30, &mut rng));
    indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
    let index = Index::open(index_dir.path()).unwrap();
    let years: BTreeMap<&str, &str> = written
        .iter()
        .map(|(id, doc)| (id.as_str(), doc.year.as_str()))
        .collect();

    let fields = [
        FacetField::Role,
        FacetField::RoleGroup,
        FacetField::Site,
        FacetField::Speaker,
        FacetField::Doc,
        FacetField::Year,
        FacetField::Attr("gender".into()),
    ];
    let value_of = |hit: &indexer::api::Hit, field: &FacetField| -> Option<String> {
        let p = &hit.passage;
        match field {
            FacetField::Role => p.role.clone(),
            FacetField::RoleGroup => p.role_group.clone(),
            FacetField::Site => p.site.clone(),
            FacetField::Speaker => p.speaker.clone(),
            FacetField::Doc => Some(p.doc_id.clone()),
            FacetField::Year => years.get(p.doc_id.as_str()).map(|y| y.to_string()),
            FacetField::Attr(name) => p.attrs.get(name).cloned(),
            other => panic!("no rule for {other}"),
        }
    };
    let tallies = |hits: &[indexer::api::Hit], field: &FacetField| {
        let mut out: BTreeMap<String, (u64, BTreeSet<String>)> = BTreeMap::new();
        for hit in hits {
            if let Some(value) = value_of(hit, field) {
                let tally = out.entry(value).or_default();
                tally.0 += 1;
                tally.1.extend(hit.passage.speaker.clone());
            }
        }
        out
    };
    let every_hit = |q: &str, filters: Filters| {
        let res = search(
            &index,
            SearchRequest {
                filters,
                limit: 1000,
                highlight: false,
                ..SearchRequest::new(q)
            },
        );
        assert!(res.total <= 1000, "one page holds all: {}", res.total);
        res.hits
    };
    let corpus_hits = every_hit("", Filters::default());
    let gp = Filters {
        role: vec!["GP".into()],
        ..Filters::default()
    };
    // Against what was written: deleted passages are gone, filters count only live ones.
    let turns: usize = written.values().map(|doc| doc.turns).sum();
    assert_eq!(corpus_hits.len(), turns);
    let gp_turns: usize = written.values().map(|doc| doc.gp_turns).sum();
    assert_eq!(every_hit("", gp.clone()).len(), gp_turns);
    for (q, filters) in [
        ("trust", Filters::default()),
        ("\"primary care\"", Filters::default()),
        ("budget", gp),
        ("", Filters::default()),
    ] {
        let hits = every_hit(q, filters.clone());
        let res = search(
            &index,
            SearchRequest {
                filters,
                facets: fields.to_vec(),
                limit: 0,
                ..SearchRequest::new(q)
            },
        );
        for field in &fields {
            let expected = tallies(&hits, field);
            let in_corpus = tallies(&corpus_hits, field);
            let counted = &res.facets[&field.to_string()];
            assert_eq!(counted.len(), expected.len(), "{q:?} {field}");
            for count in counted {
                let (passages, speakers) = &expected[&count.value];
                assert_eq!(
                    (count.count, count.participants, count.of),
                    (
                        *passages,
                        speakers.len() as u64,
                        in_corpus[&count.value].1.len() as u64
                    ),
                    "{q:?} {field}={:?}",
                    count.value
                );
            }
        }
    }
}

/// A JSONL file of one document with `passages` passages, each naming its file and number.
fn write_jsonl_document(path: &Path, doc: &str, word: &str, passages: usize) {
    let lines: String = (0..passages)
        .map(|n| {
            let head = if n == 0 {
                format!(r#""title": "{doc}", "kind": "other", "#)
            } else {
                String::new()
            };
            format!("{{\"doc\": \"{doc}\", {head}\"text\": \"{word} passage n{n}\"}}\n")
        })
        .collect();
    fs::write(path, lines).unwrap();
}

#[test]
fn analysis_batches_span_files_and_a_duplicate_id_after_a_flush_is_refused() {
    // The builder analyses passages in batches of 4,096 across files: these sizes put a
    // flush in the middle of the second file, a duplicate of the first file's document id
    // after it (its passages must not reach the index, though the first id's have been
    // handed to tantivy already), and a last file smaller than a batch (the final flush).
    let corpus = tempfile::tempdir().unwrap();
    write_jsonl_document(&corpus.path().join("a.jsonl"), "big", "aardvark", 3000);
    write_jsonl_document(&corpus.path().join("b.jsonl"), "other", "badger", 3000);
    write_jsonl_document(&corpus.path().join("c.jsonl"), "big", "civet", 5);
    write_jsonl_document(&corpus.path().join("d.jsonl"), "last", "dingo", 7);
    let index_dir = tempfile::tempdir().unwrap();
    let report = indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
    assert_eq!((report.documents, report.passages), (3, 3000 + 3000 + 7));
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let message = report.errors[0].to_string();
    assert!(
        message.contains("c.jsonl") && message.contains("already used by a.jsonl"),
        "{message}"
    );

    let index = Index::open(index_dir.path()).unwrap();
    let total = |q: &str| search(&index, SearchRequest::new(q)).total;
    assert_eq!(
        [
            total("aardvark"),
            total("badger"),
            total("civet"),
            total("dingo")
        ],
        [3000, 3000, 0, 7]
    );
    // Every passage is numbered in its document's order, whichever batch it was analysed in.
    for (word, n) in [
        ("aardvark", 0),
        ("aardvark", 2999),
        ("badger", 1096),
        ("dingo", 6),
    ] {
        let hits = search(&index, SearchRequest::new(format!("{word} n{n}"))).hits;
        assert_eq!(hits.len(), 1, "{word} n{n}");
        assert_eq!(hits[0].passage.text, format!("{word} passage n{n}"));
        assert_eq!(hits[0].passage.passage as usize, n + 1, "{word} n{n}");
    }
}
