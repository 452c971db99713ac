//! End-to-end tests of the `verbatim` CLI: the real binary, run against a real server on
//! `127.0.0.1:0` and against the index directory directly (`--index`), over the demo corpus.
//! Both backends must give the same answers, and `--format json` must be the API's response.

use std::collections::BTreeSet;
use std::process::Output;

use indexer::api::{Hit, PassageDetail, SearchResponse, Stats};
use serde::de::DeserializeOwned;
use serde_json::Value;
use verbatim_tests::{Binary, HttpApi, TestServer, demo_index, query_string, workspace_root};

const ARTICLE: &str = "mcdermott-2019-integrated-care";
const GP_QUOTE: &str = "You can't just throw half a dozen professionals in a room";
const MANAGER_QUOTE: &str =
    "the STP is a construct that really lends itself to commission primary care";

/// A server over the shared index of the demo corpus.
struct Fixture {
    server: TestServer,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            server: TestServer::start(demo_index(), None),
        }
    }

    /// The two ways to reach the corpus, as `(name, flags)`.
    fn backends(&self) -> [(&'static str, Vec<String>); 2] {
        [
            ("server", vec!["--server".into(), self.server.url.clone()]),
            ("index", index_flags()),
        ]
    }
}

/// `--index` with the shared index of the demo corpus.
fn index_flags() -> Vec<String> {
    vec!["--index".into(), demo_index().display().to_string()]
}

/// Runs `verbatim` with `args`, isolated from the caller's environment.
fn verbatim(args: &[&str]) -> Output {
    verbatim_with_env(args, &[])
}

fn verbatim_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Binary::Cli
        .command()
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run verbatim {args:?}: {e}"))
}

/// `verbatim BACKEND... ARGS...`.
fn run(backend: &[String], args: &[&str]) -> Output {
    let all: Vec<&str> = backend
        .iter()
        .map(String::as_str)
        .chain(args.iter().copied())
        .collect();
    verbatim(&all)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit status, showing both streams when it differs.
fn expect_status(output: &Output, code: i32, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}: expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}

/// The JSON on stdout, as the API type `T` (or as plain JSON where the wire shape is tested).
fn json<T: DeserializeOwned>(output: &Output, what: &str) -> T {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not the expected JSON ({e}):\n{}",
            stdout(output)
        )
    })
}

/// `search "primary care"` for 30 hits in `format`, which must match.
fn primary_care(flags: &[String], format: &str, what: &str) -> Output {
    let output = run(flags, &["search", "primary care", "-n", "30", "-f", format]);
    expect_status(&output, 0, what);
    output
}

/// A search response without its timing, the one field allowed to differ between runs.
fn without_timing(mut response: Value) -> Value {
    response
        .as_object_mut()
        .expect("a search response is an object")
        .remove("took_ms")
        .expect("a search response has took_ms");
    response
}

/// The values of one field of the hits, `<none>` standing for a missing one.
fn field_values(hits: &[Hit], field: impl Fn(&Hit) -> Option<&String>) -> BTreeSet<String> {
    hits.iter()
        .map(|hit| field(hit).map_or("<none>", String::as_str).to_string())
        .collect()
}

#[test]
fn role_filters_select_role_groups_on_both_backends() {
    let fixture = Fixture::new();
    let groups = [
        ("GP", ["GP", "Independent GP"]),
        ("manager", ["Manager", "CCG Accountable Officer"]),
    ];
    for (backend, flags) in fixture.backends() {
        for (group, roles) in groups {
            let what = format!("{backend}: search '' --role {group}");
            let output = run(
                &flags,
                &[
                    "search", "", "--role", group, "--limit", "1000", "--format", "json",
                ],
            );
            expect_status(&output, 0, &what);
            let response: SearchResponse = json(&output, &what);
            let hits = &response.hits;
            assert!(!hits.is_empty(), "{what}: no hits");
            assert_eq!(
                response.total,
                hits.len() as u64,
                "{what}: one page holds all"
            );
            assert_eq!(
                field_values(hits, |hit| hit.passage.role_group.as_ref()),
                BTreeSet::from([group.to_string()]),
                "{what}"
            );
            let expected_roles: BTreeSet<String> = roles.iter().map(|r| r.to_string()).collect();
            assert_eq!(
                field_values(hits, |hit| hit.passage.role.as_ref()),
                expected_roles,
                "{what}: every role of the group, no other"
            );
        }

        let what = format!("{backend}: the GP quote");
        let output = run(
            &flags,
            &[
                "search",
                "professionals room",
                "--role",
                "GP",
                "--format",
                "json",
            ],
        );
        expect_status(&output, 0, &what);
        let response: SearchResponse = json(&output, &what);
        let quote = response
            .hits
            .iter()
            .find(|hit| hit.passage.text.contains(GP_QUOTE))
            .unwrap_or_else(|| panic!("{what}: not found in {response:#?}"));
        assert_eq!(quote.passage.doc_id, ARTICLE);
        assert!(
            quote.passage.citation.starts_with("[Independent GP ID9] "),
            "{quote:#?}"
        );

        let what = format!("{backend}: the GP quote filtered to managers");
        let output = run(
            &flags,
            &[
                "search",
                "professionals room",
                "--role",
                "manager",
                "--format",
                "json",
            ],
        );
        expect_status(&output, 1, &what);
        assert_eq!(json::<SearchResponse>(&output, &what).total, 0, "{what}");
    }
}

#[test]
fn json_output_is_the_api_response() {
    let fixture = Fixture::new();
    let body = serde_json::json!({
        "q": "primary care",
        "filters": {"role": ["manager"]},
        "facets": ["role", "site"],
        "limit": 5,
        "context": 1
    });
    let reply = fixture.server.post("/v1/search", &body.to_string());
    let response: SearchResponse = reply.ok("POST /v1/search");
    assert!(
        !response.hits.is_empty(),
        "the request should match something: {response:#?}"
    );
    // The exact wire shape is under test here: compared as plain JSON.
    let api = without_timing(reply.body);
    let args = [
        "search",
        "primary care",
        "--role",
        "manager",
        "--facets",
        "role,site",
        "--limit",
        "5",
        "--context",
        "1",
        "--format",
        "json",
    ];
    for (backend, flags) in fixture.backends() {
        let output = run(&flags, &args);
        expect_status(&output, 0, backend);
        let cli = without_timing(json(&output, backend));
        assert_eq!(
            cli, api,
            "{backend}: CLI JSON differs from the API response\nCLI: {cli:#}\nAPI: {api:#}"
        );
    }
}

#[test]
fn line_formats_have_one_record_per_hit() {
    let fixture = Fixture::new();
    for (backend, flags) in fixture.backends() {
        let what = format!("{backend}: search primary care");
        let reference = primary_care(&flags, "json", &what);
        let expected: SearchResponse = json(&reference, &what);
        assert!(
            expected.hits.len() > 2,
            "{what}: want several hits, got {}",
            expected.hits.len()
        );

        // Each line is exactly a hit of the JSON answer, on the wire: compared as plain JSON.
        let wire: Value = json(&reference, &what);
        let lines: Vec<Value> = stdout(&primary_care(&flags, "jsonl", &what))
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{what}: bad JSONL line ({e}): {line}"))
            })
            .collect();
        assert_eq!(
            Some(&lines),
            wire["hits"].as_array(),
            "{what}: jsonl lines are the hits, in order"
        );

        let markdown = stdout(&primary_care(&flags, "md", &what));
        for hit in &expected.hits {
            let citation = &hit.passage.citation;
            let citation_line = format!("\n\n{citation}\n");
            assert!(
                markdown.contains(&citation_line),
                "{what}: no citation line {citation:?} in\n{markdown}"
            );
        }
        let quote_blocks = markdown
            .split("\n\n")
            .filter(|block| block.starts_with("> "))
            .count();
        assert_eq!(
            quote_blocks,
            expected.hits.len(),
            "{what}: one blockquote per hit in\n{markdown}"
        );
    }
}

#[test]
fn batch_writes_a_markdown_appendix() {
    let fixture = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("appendix.toml");
    std::fs::write(
        &plan,
        r#"title = "Appendix: quotes"

[[section]]
heading = "GPs on teams"
query = "professionals room"
role = ["GP"]

[[section]]
heading = "Managers on the STP"
query = "construct commission"
role = "manager"
limit = 3
"#,
    )
    .unwrap();
    let mut outputs = Vec::new();
    for (backend, flags) in fixture.backends() {
        let out = dir.path().join(format!("{backend}.md"));
        let output = run(
            &flags,
            &[
                "batch",
                &plan.display().to_string(),
                "--out",
                &out.display().to_string(),
            ],
        );
        expect_status(&output, 0, backend);
        assert!(
            stdout(&output).is_empty(),
            "{backend}: --out leaves stdout empty"
        );
        assert!(
            stderr(&output).contains(&out.display().to_string()),
            "{backend}: {}",
            stderr(&output)
        );
        let markdown = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = markdown.lines().collect();
        let line_of = |wanted: &str| {
            lines
                .iter()
                .position(|line| *line == wanted)
                .unwrap_or_else(|| panic!("{backend}: no line {wanted:?} in\n{markdown}"))
        };
        let (title, gps, managers) = (
            line_of("# Appendix: quotes"),
            line_of("## GPs on teams"),
            line_of("## Managers on the STP"),
        );
        assert!(
            title < gps && gps < managers,
            "{backend}: headings out of order in\n{markdown}"
        );
        let citation_after = |quote: &str, label: &str| {
            let at = lines
                .iter()
                .position(|line| line.starts_with("> ") && line.contains(quote))
                .unwrap_or_else(|| panic!("{backend}: {quote:?} is not quoted in\n{markdown}"));
            assert_eq!(lines[at + 1], "", "{backend}: a blank line ends the quote");
            assert!(
                lines[at + 2].starts_with(label),
                "{backend}: citation line {:?}",
                lines[at + 2]
            );
            assert!(
                lines[at + 2].contains("McDermott"),
                "{backend}: citation line {:?}",
                lines[at + 2]
            );
            at
        };
        let gp_quote = citation_after(GP_QUOTE, "[Independent GP ID9] ");
        let manager_quote = citation_after(MANAGER_QUOTE, "[Manager ID42] ");
        assert!(
            gps < gp_quote && gp_quote < managers && managers < manager_quote,
            "{backend}:\n{markdown}"
        );
        outputs.push(markdown);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "both backends write the same appendix"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn batch_reads_plain_query_files_and_names_bad_keys() {
    let flags = index_flags();
    let dir = tempfile::tempdir().unwrap();

    let queries = dir.path().join("queries.txt");
    std::fs::write(&queries, "# themes\nprofessionals room\n\nzzzqqq\n").unwrap();
    let output = run(
        &flags,
        &["batch", &queries.display().to_string(), "--format", "json"],
    );
    expect_status(&output, 0, "plain batch");
    // The batch document is the CLI's own format: read as plain JSON.
    let appendix: Value = json(&output, "plain batch");
    let headings: Vec<&str> = appendix["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["heading"].as_str().unwrap())
        .collect();
    assert_eq!(headings, ["professionals room", "zzzqqq"]);
    assert_eq!(appendix["sections"][1]["total"], 0);

    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "[[section]]\nquery = \"trust\"\nrol = \"GP\"\n").unwrap();
    let output = run(&flags, &["batch", &typo.display().to_string()]);
    expect_status(&output, 2, "unknown key");
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}:3:", typo.display())),
        "names the file and line: {message}"
    );
    assert!(message.contains("`rol`"), "names the key: {message}");
}

#[test]
fn the_batch_examples_run_and_their_output_is_current() {
    let flags = index_flags();
    let examples = workspace_root().join("cli").join("examples");
    let plan = examples.join("appendix.toml").display().to_string();
    let output = run(&flags, &["batch", &plan]);
    expect_status(&output, 0, "the TOML example");
    let expected = std::fs::read_to_string(examples.join("appendix.md")).unwrap();
    assert_eq!(
        stdout(&output),
        expected,
        "cli/examples/appendix.md is out of date (the corpus or the format changed): regenerate it with\n  \
         cargo run -p indexer --bin verbatim-index -- corpus --index /tmp/demo-index\n  \
         cargo run -p cli -- --index /tmp/demo-index batch cli/examples/appendix.toml --out cli/examples/appendix.md"
    );

    let queries = examples.join("queries.txt").display().to_string();
    let output = run(&flags, &["batch", &queries, "--format", "json"]);
    expect_status(&output, 0, "the plain example");
    let sections = json::<Value>(&output, "the plain example")["sections"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(sections, 2, "one section per query line");
}

#[test]
fn exit_status_is_like_grep() {
    let fixture = Fixture::new();
    for (backend, flags) in fixture.backends() {
        let matched = run(&flags, &["search", "trust"]);
        expect_status(&matched, 0, &format!("{backend}: a match"));
        let table = stdout(&matched);
        assert!(
            !table.contains('\x1b'),
            "{backend}: no colour in a pipe:\n{table}"
        );
        assert!(
            table.lines().next().unwrap().starts_with("1. "),
            "{backend}: citation first:\n{table}"
        );

        let nothing = run(&flags, &["search", "zzzqqq"]);
        expect_status(&nothing, 1, &format!("{backend}: no match"));

        let bad_query = run(&flags, &["search", "\"unclosed"]);
        expect_status(&bad_query, 2, &format!("{backend}: a bad query"));
        let message = stderr(&bad_query);
        assert!(
            message.contains("column") && message.contains("hint:"),
            "{backend}: {message}"
        );

        let missing = run(&flags, &["show", "no-such-document"]);
        expect_status(&missing, 2, &format!("{backend}: a missing document"));
        assert!(
            stderr(&missing).contains("no-such-document"),
            "{backend}: {}",
            stderr(&missing)
        );
    }
    let bad_flag = verbatim(&["search", "trust", "--kind", "memo"]);
    expect_status(&bad_flag, 2, "a bad flag value");
    assert!(
        stderr(&bad_flag).contains("--kind"),
        "{}",
        stderr(&bad_flag)
    );
    let coloured = verbatim(&[
        "--index",
        &demo_index().display().to_string(),
        "--color",
        "always",
        "search",
        "trust",
    ]);
    expect_status(&coloured, 0, "--color always");
    assert!(
        stdout(&coloured).contains("\x1b[1;31mtrust"),
        "matches highlighted:\n{}",
        stdout(&coloured)
    );
}

#[test]
fn unreachable_server_is_an_error_naming_the_url() {
    // A port that was free a moment ago and has nobody listening now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    for args in [
        vec!["--server", url.as_str(), "search", "trust"],
        vec!["stats"],
    ] {
        let output = verbatim_with_env(&args, &[("VERBATIM_URL", &url)]);
        expect_status(&output, 2, &format!("{args:?}"));
        let message = stderr(&output);
        assert!(message.contains(&url), "names {url}: {message}");
        assert!(
            message.contains("verbatim-server"),
            "says how to start the server: {message}"
        );
    }
}

#[test]
fn api_key_from_flag_or_environment() {
    let server = TestServer::start(demo_index(), Some("s3cret-key"));
    let without = verbatim(&["--server", &server.url, "stats"]);
    expect_status(&without, 2, "no key");
    assert!(
        stderr(&without).contains("VERBATIM_API_KEY"),
        "{}",
        stderr(&without)
    );
    let wrong = verbatim(&["--server", &server.url, "--api-key", "nope", "stats"]);
    expect_status(&wrong, 2, "a wrong key");
    let by_flag = verbatim(&[
        "--server",
        &server.url,
        "--api-key",
        "s3cret-key",
        "stats",
        "-f",
        "json",
    ]);
    expect_status(&by_flag, 0, "key by flag");
    let by_env = verbatim_with_env(
        &["stats", "-f", "json"],
        &[
            ("VERBATIM_URL", &server.url),
            ("VERBATIM_API_KEY", "s3cret-key"),
        ],
    );
    expect_status(&by_env, 0, "key and URL from the environment");
    assert_eq!(
        json::<Stats>(&by_flag, "by flag"),
        json::<Stats>(&by_env, "by env")
    );
}

#[test]
fn show_facets_documents_participants_and_stats_agree_with_the_api() {
    let fixture = Fixture::new();
    let located: SearchResponse = json(
        &run(
            &index_flags(),
            &["search", "professionals room", "-f", "json"],
        ),
        "locate",
    );
    let passage = located
        .hits
        .first()
        .map(|hit| hit.passage.passage)
        .expect("the GP quote has a passage number");
    let target = format!("{ARTICLE}#{passage}");
    let facets_query = query_string(&[("q", "primary care")]);
    let expectations: [(Vec<&str>, String); 6] = [
        (
            vec!["show", &target, "--context", "1", "-f", "json"],
            format!("/v1/documents/{ARTICLE}/passages/{passage}?context=1"),
        ),
        (
            vec!["show", ARTICLE, "-f", "json"],
            format!("/v1/documents/{ARTICLE}"),
        ),
        (
            vec![
                "facets",
                "role_group",
                "--query",
                "primary care",
                "-f",
                "json",
            ],
            format!("/v1/facets/role_group{facets_query}"),
        ),
        (
            vec!["participants", "-f", "json"],
            "/v1/participants".to_string(),
        ),
        (vec!["stats", "-f", "json"], "/v1/stats".to_string()),
        (
            vec!["documents", "--kind", "article,report", "-f", "json"],
            "/v1/documents?kind=article&kind=report&limit=1000".to_string(),
        ),
    ];
    // `--format json` is exactly the API's answer on the wire: compared as plain JSON.
    for (args, path) in &expectations {
        let reply = fixture.server.get(path);
        assert_eq!(reply.status, 200, "GET {path}: {:#}", reply.body);
        for (backend, flags) in fixture.backends() {
            let output = run(&flags, args);
            expect_status(&output, 0, &format!("{backend}: {args:?}"));
            assert_eq!(
                json::<Value>(&output, backend),
                reply.body,
                "{backend}: {args:?} differs from GET {path}"
            );
        }
    }
    let shown: PassageDetail = json(
        &run(
            &fixture.backends()[0].1,
            &["show", &target, "-C", "1", "-f", "json"],
        ),
        "show",
    );
    assert!(shown.passage.text.contains(GP_QUOTE), "{shown:#?}");
    assert_eq!(shown.context.before.len(), 1, "{shown:#?}");

    for (backend, flags) in fixture.backends() {
        let listed = stdout(&run(&flags, &["documents", "--lang", "en"]));
        let ids: Vec<&str> = listed
            .lines()
            .skip(1)
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        assert!(ids.contains(&ARTICLE), "{backend}: {listed}");
        assert!(
            !ids.iter().any(|id| id.ends_with("-zh")),
            "{backend}: --lang en lists a Chinese document: {listed}"
        );
    }

    let table = stdout(&run(&index_flags(), &["facets", "role_group"]));
    let counts: Vec<&str> = table.lines().map(str::trim).collect();
    assert_eq!(counts.first(), Some(&"role_group"), "{table}");
    assert!(
        counts
            .iter()
            .any(|line| line.starts_with("GP ") || line.starts_with("GP\t")),
        "{table}"
    );
}

#[test]
fn completions_come_from_the_flag_definitions() {
    let output = verbatim(&["completions", "bash"]);
    expect_status(&output, 0, "completions bash");
    let script = stdout(&output);
    for word in ["search", "batch", "--role", "--format"] {
        assert!(script.contains(word), "the bash script mentions {word}");
    }
}

#[test]
fn csv_round_trips_with_one_record_per_hit() {
    let fixture = Fixture::new();
    for (backend, flags) in fixture.backends() {
        let what = format!("{backend}: search primary care");
        let expected: SearchResponse = json(&primary_care(&flags, "json", &what), &what);
        let output = primary_care(&flags, "csv", &what);
        let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let records: Vec<csv::StringRecord> = reader
            .records()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{what}: not RFC 4180 ({e}):\n{}", stdout(&output)));
        assert_eq!(
            records.len(),
            expected.hits.len(),
            "{what}: one record per hit"
        );
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        };
        for (record, hit) in records.iter().zip(&expected.hits) {
            assert_eq!(&record[column("citation")], hit.passage.citation);
            assert_eq!(
                &record[column("text")],
                hit.passage.text,
                "{what}: text survives quoting"
            );
            assert_eq!(record[column("passage")], hit.passage.passage.to_string());
            assert_eq!(&record[column("doc")], hit.passage.doc_id);
        }
    }
}

/// Runs `verbatim ARGS...` with a terminal as its stdout (util-linux's `script` gives it one, as
/// a person's shell would), returning the exit status and what the terminal showed.
fn verbatim_on_a_terminal(args: &[&str]) -> (Option<i32>, String) {
    let quoted: Vec<String> = std::iter::once(Binary::Cli.path().display().to_string())
        .chain(args.iter().map(ToString::to_string))
        .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
        .collect();
    let output = std::process::Command::new("script")
        .args(["-qec", &quoted.join(" "), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run script (util-linux) for a terminal: {e}"));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn issue_29_binary_files_are_refused_on_a_terminal_and_written_to_a_pipe() {
    let index = demo_index().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.txt");
    std::fs::write(&plan, "trust\n").unwrap();
    let plan = plan.display().to_string();
    for (args, to_file) in [
        (
            vec!["search", "trust", "--format", "xlsx"],
            "a redirect (> verbatim.xlsx)",
        ),
        (
            vec!["keyness", "--target", "role_group=GP", "--format", "xlsx"],
            "a redirect (> verbatim.xlsx)",
        ),
        (
            vec!["batch", &plan, "--format", "docx"],
            "--out FILE or a redirect (> verbatim.docx)",
        ),
    ] {
        let all = [&["--index", index.as_str()][..], &args].concat();
        let (status, shown) = verbatim_on_a_terminal(&all);
        assert_eq!(status, Some(2), "{args:?} on a terminal: {shown}");
        assert!(
            shown.contains("writes a binary file, which a terminal cannot show")
                && shown.contains(&format!("hint: write it to a file with {to_file}")),
            "{args:?}: {shown}"
        );
        assert!(!shown.contains("PK"), "{args:?} wrote the file: {shown}");
        // Into a pipe (or a redirect) the file is written as before.
        let piped = verbatim(&all);
        expect_status(&piped, 0, &format!("{args:?} into a pipe"));
        assert!(piped.stdout.starts_with(b"PK"), "{args:?}: not a ZIP file");
    }
    // A text format on a terminal is fine.
    let (status, shown) = verbatim_on_a_terminal(&["--index", &index, "search", "trust"]);
    assert_eq!(status, Some(0), "{shown}");
}

/// "1 passage", "3 passages": what the test expects a count to read.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[test]
fn issue_29_stats_give_documents_and_passages_for_each_language_and_kind() {
    let flags = index_flags();
    let stats: Stats = json(&run(&flags, &["stats", "--format", "json"]), "stats");
    for holdings in [&stats.languages, &stats.kinds] {
        let passages: u64 = holdings.values().map(|h| h.passages).sum();
        let documents: u64 = holdings.values().map(|h| h.documents).sum();
        assert_eq!((documents, passages), (stats.documents, stats.passages));
    }
    let zh = stats.languages["zh"];
    assert!(zh.documents >= 1 && zh.passages >= 5, "{stats:#?}");
    let table = stdout(&run(&flags, &["stats"]));
    for (name, holdings) in [("languages", &stats.languages), ("kinds", &stats.kinds)] {
        let line = table
            .lines()
            .find(|line| line.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line:\n{table}"));
        for (value, held) in holdings {
            let expected = format!(
                "{value} {} in {}",
                counted(held.passages, "passage", "passages"),
                counted(held.documents, "document", "documents")
            );
            assert!(line.contains(&expected), "{expected} in {line}");
        }
    }
}

#[test]
fn issue_29_counts_agree_with_their_nouns() {
    let flags = index_flags();
    let keyness = run(
        &flags,
        &["keyness", "--target", "speaker=ID9", "--min-freq", "1"],
    );
    expect_status(&keyness, 0, "keyness of one speaker");
    let text = stdout(&keyness);
    assert!(
        text.starts_with("target:    speaker: ID9: ") && text.contains(" by 1 participant\n"),
        "{text}"
    );
    assert!(text.contains("\nreference: everyone else: "), "{text}");
    assert_no_plural_after_one(&text);

    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.txt");
    std::fs::write(&plan, "\"more than co-location\"\n").unwrap();
    let out = dir.path().join("appendix.md");
    let batch = run(
        &flags,
        &[
            "batch",
            &plan.display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
    );
    expect_status(&batch, 0, "batch of one quote");
    assert_eq!(
        stderr(&batch),
        format!("wrote 1 quote in 1 section to {}\n", out.display())
    );
    let appendix = std::fs::read_to_string(&out).unwrap();
    assert!(
        appendix.contains("*1 passage matching “more than co-location”.*"),
        "a phrase is quoted once:\n{appendix}"
    );
    let search = stdout(&run(&flags, &["search", "\"more than co-location\""]));
    assert!(
        search.contains("1 passage matching “more than co-location” ("),
        "{search}"
    );
}

/// Asserts no count of one in `text` takes a plural noun ("1 passages").
fn assert_no_plural_after_one(text: &str) {
    for noun in [
        "passages",
        "participants",
        "words",
        "quotes",
        "sections",
        "documents",
    ] {
        for (at, _) in text.match_indices(&format!("1 {noun}")) {
            let before = text[..at].chars().next_back();
            assert!(
                before.is_some_and(|c| c.is_ascii_digit() || c == ','),
                "“1 {noun}” in:\n{text}"
            );
        }
    }
}

#[test]
fn issue_29_crosstab_rows_are_numbered_from_1() {
    let fixture = Fixture::new();
    for (backend, flags) in fixture.backends() {
        let bad = run(
            &flags,
            &["crosstab", "trust", "\"unclosed", "--by", "role_group"],
        );
        expect_status(&bad, 2, &format!("{backend}: a bad second row"));
        let message = stderr(&bad);
        assert!(
            message.contains("in row 2") && !message.contains("rows["),
            "{backend}: {message}"
        );
        let long = "x".repeat(4097);
        let too_long = run(&flags, &["crosstab", "trust", &long, "--by", "site"]);
        expect_status(&too_long, 2, &format!("{backend}: a long second row"));
        let message = stderr(&too_long);
        assert!(
            message.contains("row 2: ") && !message.contains("rows["),
            "{backend}: {message}"
        );
    }
}

#[test]
fn issue_29_a_filter_value_the_corpus_lacks_is_named_with_the_values_it_has() {
    let fixture = Fixture::new();
    for (backend, flags) in fixture.backends() {
        let surgeon = run(&flags, &["search", "trust", "--role", "surgeon"]);
        expect_status(&surgeon, 1, &format!("{backend}: a role nobody has"));
        let warning = stderr(&surgeon);
        assert!(
            warning.contains("warning: role \"surgeon\" is not in this corpus; it has: ")
                && warning.contains("GP")
                && warning.contains("manager")
                && warning.contains("Independent GP"),
            "{backend}: {warning}"
        );
        let json: SearchResponse = json(
            &run(
                &flags,
                &["search", "trust", "--role", "surgeon", "--format", "json"],
            ),
            "the search",
        );
        let unknown = &json.unknown_values;
        assert_eq!(unknown.len(), 1, "{backend}: {unknown:?}");
        assert_eq!(
            (unknown[0].filter.as_str(), unknown[0].value.as_str()),
            ("role", "surgeon")
        );
        assert!(unknown[0].held.iter().any(|v| v == "GP"), "{unknown:?}");

        let keyness = run(&flags, &["keyness", "--target", "role_group=surgeon"]);
        assert!(
            stderr(&keyness).contains("role_group \"surgeon\" is not in this corpus; it has: "),
            "{backend}: {}",
            stderr(&keyness)
        );
        let known = run(&flags, &["search", "work", "--role", "gp"]);
        expect_status(
            &known,
            0,
            &format!("{backend}: a role the corpus has, in any case"),
        );
        assert_eq!(
            stderr(&known),
            "",
            "{backend}: no warning for a value it has"
        );
    }
}
