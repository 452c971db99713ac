//! Hit sets end to end: a set saved from a search with the real `verbatim` binary, reviewed
//! (hits dropped, widened to turns), then re-run after the corpus was edited and rebuilt with
//! `verbatim-index --force`; and every `/v1/sets` route walked in order on a real server with
//! keys of each scope, bad names and a hand-broken set file included.

use std::fs;
use std::path::Path;
use std::process::Output;

use indexer::api::{RerunResponse, SetDetail};
use indexer::sets::SetList;
use server::{ApiKey, Config, Keys, Scope};
use verbatim_tests::{Binary, ErrorCode, HttpApi, TestServer, http_send};

const INTERVIEW: &str = "---\ntitle: Interview 1\nkind: interview\n---\n\
    Interviewer: Tell me about trust between practices.\n\
    ID1: Trust took years to build.\n\
    Interviewer: And with the federation?\n\
    ID1: We trust the federation, mostly.\n\
    ID2: I do not trust the numbers they send.\n\
    ID2: Trust is a strong word for it.\n";

const OTHER: &str = "---\ntitle: Interview 2\nkind: interview\n---\n\
    ID3: Trust is earned in meetings.\n";

/// A corpus of two interviews and its index, built by the real indexer.
struct Study {
    dir: tempfile::TempDir,
}

impl Study {
    fn new() -> Study {
        let study = Study {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        fs::create_dir_all(study.corpus().join("documents")).expect("documents folder");
        study.write("interview-1.md", INTERVIEW);
        study.write("interview-2.md", OTHER);
        study.build();
        study
    }

    fn corpus(&self) -> std::path::PathBuf {
        self.dir.path().join("corpus")
    }

    fn index(&self) -> std::path::PathBuf {
        self.dir.path().join("index")
    }

    fn write(&self, file: &str, text: &str) {
        fs::write(self.corpus().join("documents").join(file), text).expect("write document");
    }

    /// A full rebuild, the kind that replaces every generation.
    fn build(&self) {
        let output = Binary::Indexer
            .command()
            .arg(self.corpus())
            .arg("--index")
            .arg(self.index())
            .arg("--force")
            .output()
            .expect("run verbatim-index");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `verbatim --index INDEX ARGS...`, which must succeed.
    fn verbatim(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "verbatim {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    fn run(&self, args: &[&str]) -> Output {
        Binary::Cli
            .command()
            .arg("--index")
            .arg(self.index())
            .args(args)
            .output()
            .expect("run verbatim")
    }

    fn json<T: serde::de::DeserializeOwned>(&self, args: &[&str]) -> T {
        let text = self.verbatim(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}: {text}"))
    }
}

fn positions(detail: &SetDetail) -> Vec<String> {
    detail
        .set
        .passages
        .iter()
        .map(|p| p.position().to_string())
        .collect()
}

fn refs(passages: &[indexer::sets::SavedPassage]) -> Vec<String> {
    passages.iter().map(|p| p.position().to_string()).collect()
}

#[test]
fn a_reviewed_set_survives_edits_and_rerun_reports_exactly_them() {
    let study = Study::new();
    let saved = study.verbatim(&[
        "set",
        "save",
        "trust",
        "trust",
        "--description",
        "who trusts whom",
    ]);
    assert!(saved.starts_with("saved set trust: 6 passages"), "{saved}");

    // Review: the interviewer's questions are not answers; each hit widens to its speaker's turn.
    study.verbatim(&["set", "drop", "trust", "interview-1#1"]);
    study.verbatim(&["set", "widen", "trust", "turn"]);
    let detail: SetDetail = study.json(&["set", "show", "trust", "--format", "json"]);
    assert_eq!(
        positions(&detail),
        [
            "interview-1#2",
            "interview-1#4",
            "interview-1#5",
            "interview-1#6",
            "interview-2#1"
        ]
    );
    // ID2's two passages in a row are one turn: each of them widens to both.
    let id2 = &detail.excerpts[2];
    assert_eq!((id2.from, id2.to), (5, 6), "{id2:?}");
    assert_eq!(
        id2.text,
        "ID2: I do not trust the numbers they send.\n\nID2: Trust is a strong word for it."
    );

    // A turn inserted above a saved hit, a typo fixed inside another, a hit's document deleted.
    let edited = INTERVIEW
        .replace(
            "Interviewer: And with the federation?\n",
            "Interviewer: And with the federation?\nID1: Hard to say.\n",
        )
        .replace("the numbers they send", "the figures they send");
    study.write("interview-1.md", &edited);
    fs::remove_file(study.corpus().join("documents/interview-2.md")).expect("delete");
    study.build();
    assert!(
        study.index().join("sets/trust.toml").is_file(),
        "the set outlived --force"
    );

    let rerun: RerunResponse = study.json(&["set", "rerun", "trust", "--format", "json"]);
    let changes = &rerun.changes;
    assert_eq!(
        refs(&changes.kept),
        ["interview-1#2", "interview-1#5", "interview-1#7"]
    );
    let moved: Vec<(String, String)> = changes
        .moved
        .iter()
        .map(|m| (m.was.to_string(), m.now.to_string()))
        .collect();
    assert_eq!(
        moved,
        [
            ("interview-1#4".to_string(), "interview-1#5".to_string()),
            ("interview-1#6".to_string(), "interview-1#7".to_string())
        ]
    );
    assert_eq!(changes.changed.len(), 1, "{changes:?}");
    let typo = &changes.changed[0];
    assert_eq!(typo.was.text, "I do not trust the numbers they send.");
    assert_eq!(typo.now.text, "I do not trust the figures they send.");
    assert_eq!(typo.now.position().to_string(), "interview-1#6");
    assert!(
        typo.matches && typo.now.citation.contains("Interview 1"),
        "{typo:?}"
    );
    assert_eq!(refs(&changes.gone), ["interview-2#1"]);
    assert!(
        changes.gone[0].citation.contains("Interview 2"),
        "{:?}",
        changes.gone[0]
    );
    // The dropped question is not offered again; nothing else is new, lost or removed.
    assert!(changes.new.is_empty(), "{:?}", changes.new);
    assert!(
        changes.lost.is_empty() && changes.removed.is_empty(),
        "{changes:?}"
    );
    assert!(!rerun.accepted);

    let table = study.verbatim(&["set", "rerun", "trust"]);
    assert!(table.contains("gone     interview-2#1"), "{table}");
    assert!(
        table.contains("--accept"),
        "says how to take the changes in: {table}"
    );

    let accepted: RerunResponse =
        study.json(&["set", "rerun", "trust", "--accept", "--format", "json"]);
    assert!(accepted.accepted);
    let detail: SetDetail = study.json(&["set", "show", "trust", "--format", "json"]);
    assert_eq!(
        positions(&detail),
        [
            "interview-1#2",
            "interview-1#5",
            "interview-1#6",
            "interview-1#7"
        ]
    );
    assert_eq!(detail.set.dropped.len(), 1);
    let again: RerunResponse = study.json(&["set", "rerun", "trust", "--format", "json"]);
    assert!(again.changes.is_unchanged(), "{:?}", again.changes);

    let out = study.dir.path().join("trust.csv");
    let out_arg = out.display().to_string();
    study.verbatim(&[
        "set", "export", "trust", "--format", "csv", "--out", &out_arg,
    ]);
    let csv = fs::read_to_string(&out).expect("the export");
    assert!(
        csv.starts_with("set,citation,document,passage,from,to,text\n"),
        "{csv}"
    );
    assert_eq!(csv.matches("\ntrust,").count(), 4, "{csv}");
}

#[test]
fn bad_names_and_a_hand_broken_set_file_are_named_and_spare_the_rest() {
    let study = Study::new();
    for name in ["../escape", "a/b", "..", ".hidden"] {
        let output = study.run(&["set", "save", name, "trust"]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("name: "), "{name}: {stderr}");
    }
    assert!(!study.dir.path().join("escape.toml").exists());
    study.verbatim(&["set", "save", "good", "trust"]);
    let sets = study.index().join("sets");
    fs::write(
        sets.join("broken.toml"),
        "description = \"x\"\n[search\nq = \"trust\"\n",
    )
    .expect("write");

    let output = study.run(&["set", "list"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.starts_with("good\t6 passages"), "{stdout}");
    let broken = sets.join("broken.toml").display().to_string();
    assert!(stderr.contains(&format!("{broken}:2: ")), "{stderr}");

    let output = study.run(&["set", "show", "broken"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{broken}:2: ")), "{stderr}");
    study.verbatim(&["set", "show", "good"]);
}

const READER: &str = "r3ader-secret";
const WRITER: &str = "wr1ter-secret";

#[test]
fn every_sets_route_in_order_with_scopes_and_json_errors() {
    let study = Study::new();
    let keys = Keys::new(vec![
        ApiKey::new("coauthor", Scope::Read, READER),
        ApiKey::new("assistant", Scope::Write, WRITER),
    ])
    .expect("distinct names");
    let server = TestServer::with_config(
        &study.index(),
        Config {
            keys,
            ..Config::default()
        },
    );
    let write = Some(WRITER);
    let read = Some(READER);
    let created = server.request(
        "POST",
        "/v1/sets",
        write,
        Some(r#"{"name": "trust gp", "q": "trust", "description": "d"}"#),
    );
    assert_eq!(created.status, 201, "{:#}", created.body);
    let created: SetDetail = serde_json::from_value(created.body).expect("a set");
    assert_eq!(created.set.passages.len(), 6);

    let refused = server.request(
        "POST",
        "/v1/sets",
        read,
        Some(r#"{"name": "other", "q": "trust"}"#),
    );
    assert_eq!(refused.status, 403, "{:#}", refused.body);
    assert_eq!(refused.error_code(), Some(ErrorCode::InsufficientScope));
    let taken = server.request(
        "POST",
        "/v1/sets",
        write,
        Some(r#"{"name": "trust gp", "q": "x"}"#),
    );
    assert_eq!(taken.status, 422, "{:#}", taken.body);

    let list: SetList = server.request("GET", "/v1/sets", read, None).ok("list");
    assert_eq!(list.sets.len(), 1);
    assert_eq!(list.sets[0].name.as_str(), "trust gp");
    let one: SetDetail = server
        .request("GET", "/v1/sets/trust%20gp", read, None)
        .ok("get");
    assert_eq!(one, created);

    let patched: SetDetail = server
        .request(
            "PATCH",
            "/v1/sets/trust%20gp",
            write,
            Some(r#"{"drop": ["interview-1#1", "interview-1#4"], "unit": "context=1"}"#),
        )
        .ok("patch");
    assert_eq!(patched.set.passages.len(), 4);
    assert_eq!(patched.set.unit.to_string(), "context=1");
    let not_in_set = server.request(
        "PATCH",
        "/v1/sets/trust%20gp",
        write,
        Some(r#"{"drop": ["interview-1#1"]}"#),
    );
    assert_eq!(not_in_set.status, 422, "{:#}", not_in_set.body);
    assert!(
        not_in_set.error().message.contains("interview-1#1"),
        "{:#}",
        not_in_set.body
    );
    let missing = server.request(
        "PATCH",
        "/v1/sets/trust%20gp",
        write,
        Some(r#"{"add": ["interview-9#1"], "unit": "turn"}"#),
    );
    assert_eq!(missing.status, 422, "{:#}", missing.body);
    assert!(
        missing.error().message.starts_with("add: "),
        "{:#}",
        missing.body
    );
    let bad_ref = server.request(
        "PATCH",
        "/v1/sets/trust%20gp",
        write,
        Some(r#"{"add": ["interview-1"]}"#),
    );
    assert_eq!(bad_ref.status, 422, "{:#}", bad_ref.body);

    let rerun: RerunResponse = server
        .request("POST", "/v1/sets/trust%20gp/rerun", write, Some("{}"))
        .ok("rerun");
    assert!(rerun.changes.is_unchanged() && !rerun.accepted, "{rerun:?}");
    let read_rerun = server.request("POST", "/v1/sets/trust%20gp/rerun", read, Some("{}"));
    assert_eq!(read_rerun.status, 403);

    for bad in ["/v1/sets/a%2Fb", "/v1/sets/..", "/v1/sets/.hidden"] {
        let reply = server.request("GET", bad, read, None);
        assert!(matches!(reply.status, 404 | 422), "{bad}: {:#}", reply.body);
        assert!(reply.error_detail().is_some(), "{bad}: a JSON error");
    }
    let dotted = server.request("GET", "/v1/sets/a..b", read, None);
    assert_eq!(dotted.status, 422, "{:#}", dotted.body);
    assert!(
        dotted.error().message.starts_with("name: "),
        "{:#}",
        dotted.body
    );

    fs::write(study.index().join("sets/broken.toml"), "unit = 3\n").expect("write");
    let list: SetList = server.request("GET", "/v1/sets", read, None).ok("list");
    assert_eq!(list.sets.len(), 1);
    assert!(
        list.errors[0].contains("broken.toml:1: "),
        "{:?}",
        list.errors
    );
    let broken = server.request("GET", "/v1/sets/broken", read, None);
    assert_eq!(broken.status, 422, "{:#}", broken.body);
    assert!(
        broken.error().message.contains("broken.toml:1: "),
        "{:#}",
        broken.body
    );

    // The CLI speaks to the same routes with --server.
    let output = Binary::Cli
        .command()
        .args([
            "--server",
            &server.url,
            "--api-key",
            WRITER,
            "set",
            "widen",
            "trust gp",
            "turn",
        ])
        .output()
        .expect("run verbatim");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("unit turn"));

    // 204 has no body to parse as JSON.
    let bearer = format!("Bearer {WRITER}");
    let deleted = http_send(
        "DELETE",
        &format!("{}/v1/sets/trust%20gp", server.url),
        &[("Authorization", &bearer)],
        None,
    );
    assert!(deleted.text.is_empty(), "{}", deleted.text);
    assert_eq!(deleted.status, 204);
    let gone = server.request("GET", "/v1/sets/trust%20gp", read, None);
    assert_eq!(gone.status, 404);
    assert_eq!(gone.error_code(), Some(ErrorCode::NotFound));
    assert!(!Path::new(&study.index().join("sets/trust gp.toml")).exists());
}

#[test]
fn openapi_describes_set_names_as_the_engine_checks_them() {
    let server = TestServer::start(verbatim_tests::demo_index(), None);
    let doc: serde_json::Value = server.get_ok("/openapi.json");
    let pattern = indexer::sets::NAME_PATTERN;
    for (path, method) in [
        ("/v1/sets/{name}", "get"),
        ("/v1/sets/{name}", "patch"),
        ("/v1/sets/{name}", "delete"),
        ("/v1/sets/{name}/rerun", "post"),
    ] {
        let parameters = doc["paths"][path][method]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path} has parameters"));
        assert_eq!(parameters.len(), 1, "{method} {path}: {parameters:?}");
        assert_eq!(parameters[0]["required"], true, "{method} {path}");
        assert_eq!(
            parameters[0]["schema"]["pattern"], pattern,
            "{method} {path}"
        );
    }
    let create = &doc["components"]["schemas"]["CreateSetRequest"];
    assert_eq!(create["properties"]["name"]["pattern"], pattern);
    assert_eq!(create["required"], serde_json::json!(["name"]));
}
