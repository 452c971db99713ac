//! Security against the real server, tried as an attacker's web page and a guessing client
//! would: `Host` names it does not answer to (DNS rebinding), cross-site "simple" requests,
//! cross-origin headers, keys beyond their scope, brute-forced keys, and keys files others can
//! read. The same requests from the page's own origin, or with the right key, succeed.

use std::path::Path;

use axum::http::Method;
use serde_json::Value;
use server::routes::Access;
use server::{ApiKey, Config, CorsOrigins, Keys, Scope};
use verbatim_tests::{
    Binary, ErrorCode, HttpApi, ListeningChild, TestServer, TextReply, copy_dir, corpus_dir,
    demo_index, http_send, needs_earlier_requests, raw_exchange, sample_body, server_command,
};

const READER: &str = "r3ader-secret";
const WRITER: &str = "wr1ter-secret";
const OWNER: &str = "0wner-secret";
const REBUILD: &str = "/v1/index/rebuild";

/// The keys of a research team: a co-author who reads, a research assistant who may rebuild,
/// and the owner.
fn team_keys() -> Keys {
    Keys::new(vec![
        ApiKey::new("coauthor", Scope::Read, READER),
        ApiKey::new("assistant", Scope::Write, WRITER),
        ApiKey::new("owner", Scope::Admin, OWNER),
    ])
    .expect("distinct names")
}

/// A request to `server` with exactly these headers.
fn send(
    server: &impl HttpApi,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> TextReply {
    http_send(
        method,
        &format!("{}{path}", server.base_url()),
        headers,
        body,
    )
}

/// `Authorization: Bearer KEY`.
fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// Fails unless `reply` is the JSON error `code` with its status, and returns its message.
fn assert_refused(reply: TextReply, code: ErrorCode, what: &str) -> String {
    let status = reply.status;
    let error = reply.json(what).error();
    assert_eq!(
        (status, error.code),
        (code.status().as_u16(), code),
        "{what}: {error:?}"
    );
    assert!(!error.hint.is_empty(), "{what}: a hint says what to do");
    error.message
}

fn assert_ok(reply: &TextReply, what: &str) {
    assert_eq!(reply.status, 200, "{what}: {}", reply.text);
}

/// The `Access-Control-*` headers of an answer.
fn cors_headers(reply: &TextReply) -> Vec<String> {
    reply
        .headers
        .keys()
        .map(|name| name.as_str().to_string())
        .filter(|name| name.starts_with("access-control-"))
        .collect()
}

/// A raw `GET path` naming `host` in its `Host` header (no client library sends a Host of
/// its own choosing), and the answer's status line and body.
fn get_with_host(url: &str, path: &str, host: &str) -> (String, String) {
    let answer = raw_exchange(
        url,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    let status = answer.lines().next().unwrap_or_default().to_string();
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_string();
    (status, body)
}

fn port_of(url: &str) -> &str {
    url.rsplit(':').next().expect("a port")
}

#[test]
fn unknown_hosts_are_refused_and_loopback_names_answered() {
    let server = TestServer::start(demo_index(), None);
    let port = port_of(&server.url);
    for path in [
        "/v1/search?q=trust",
        "/",
        "/health",
        "/openapi.json",
        "/nowhere",
    ] {
        let (status, body) = get_with_host(&server.url, path, &format!("evil.example:{port}"));
        assert!(
            status.starts_with("HTTP/1.1 421"),
            "{path}: {status} {body}"
        );
        assert!(
            body.contains("unknown_host") && body.contains("--allowed-host evil.example"),
            "{path}: the error names the flag: {body}"
        );
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost.:{port}"),
    ] {
        let (status, body) = get_with_host(&server.url, "/v1/search?q=trust", &host);
        assert!(
            status.starts_with("HTTP/1.1 200"),
            "{host}: {status} {body}"
        );
    }
    // An absolute URI names the host too, whatever the Host header says.
    let answer = raw_exchange(
        &server.url,
        format!(
            "GET http://evil.example/v1/stats HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    let no_host = raw_exchange(&server.url, b"GET /health HTTP/1.0\r\n\r\n");
    assert!(no_host.contains(" 421 "), "{no_host}");
}

#[test]
fn json_bodies_must_say_they_are_json() {
    let server = TestServer::start(demo_index(), None);
    let posts: Vec<&str> = server::routes::access()
        .into_iter()
        // Rebuilds take no body; uploads are multipart forms; a set must be made before it is read.
        .filter(|(method, path, _)| {
            method == Method::POST
                && *path != REBUILD
                && !path.starts_with("/v1/files")
                && !needs_earlier_requests(path)
        })
        .map(|(_, path, _)| path)
        .collect();
    assert!(posts.len() >= 4, "{posts:?}");
    for path in posts {
        let body = sample_body(path);
        for content_type in [
            Some("text/plain"),
            Some("text/plain;charset=UTF-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonx"),
            None,
        ] {
            let headers: Vec<(&str, &str)> =
                content_type.iter().map(|t| ("Content-Type", *t)).collect();
            let what = format!("POST {path} as {content_type:?}");
            let message = assert_refused(
                send(&server, "POST", path, &headers, Some(body)),
                ErrorCode::UnsupportedMediaType,
                &what,
            );
            assert!(message.contains("application/json"), "{what}: {message}");
        }
        for content_type in ["application/json", "Application/JSON; charset=utf-8"] {
            let reply = send(
                &server,
                "POST",
                path,
                &[("Content-Type", content_type)],
                Some(body),
            );
            assert_ok(&reply, &format!("POST {path} as {content_type}"));
        }
    }
}

#[test]
fn writes_from_other_sites_are_refused_and_the_pages_own_succeed() {
    let server = TestServer::rebuildable(Config::default());
    let own_origin = server.url.clone();
    let foreign: [&[(&str, &str)]; 6] = [
        &[("Origin", "http://evil.example")],
        &[("Origin", "null")],
        &[("Origin", "http://localhost:3000")],
        &[("Sec-Fetch-Site", "cross-site")],
        &[("Sec-Fetch-Site", "same-site")],
        &[
            ("Origin", "http://evil.example"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
    ];
    for headers in foreign {
        let what = format!("a rebuild with {headers:?}");
        let message = assert_refused(
            send(&server, "POST", REBUILD, headers, None),
            ErrorCode::CrossSiteRequest,
            &what,
        );
        assert!(message.contains("another site"), "{what}: {message}");
    }
    // What the page's fetch sends, and what curl or the CLI sends.
    let own: [&[(&str, &str)]; 3] = [
        &[("Origin", &own_origin), ("Sec-Fetch-Site", "same-origin")],
        &[("Sec-Fetch-Site", "none")],
        &[],
    ];
    for headers in own {
        let reply = send(&server, "POST", REBUILD, headers, None);
        assert_ok(&reply, &format!("a rebuild with {headers:?}"));
        let summary: Value = serde_json::from_str(&reply.text).expect("JSON");
        assert_eq!(summary["up_to_date"], true, "{summary}");
        assert_eq!(summary["documents"], 12, "{summary}");
    }
    // Reads are not writes: another site may send them (it cannot read the answers).
    let read = send(
        &server,
        "GET",
        "/v1/search?q=trust",
        &[
            ("Origin", "http://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        None,
    );
    assert_ok(&read, "a cross-site read");
    assert!(cors_headers(&read).is_empty(), "{:?}", read.headers);
}

#[test]
fn a_rebuild_indexes_what_changed_and_serves_it() {
    let corpus = tempfile::tempdir().expect("temp dir");
    copy_dir(&corpus_dir(), corpus.path());
    let server = TestServer::rebuildable(Config {
        corpus: Some(corpus.path().to_path_buf()),
        ..Config::default()
    });
    assert_eq!(server.total(&[("q", "zeppelinography")]), 0);
    std::fs::write(
        corpus.path().join("documents/field-note.md"),
        "---\ntitle: A field note\nkind: report\n---\nThe board discussed zeppelinography at length.\n",
    )
    .expect("write a new document");
    let reply = send(&server, "POST", REBUILD, &[], None);
    assert_ok(&reply, "the rebuild");
    let summary: Value = serde_json::from_str(&reply.text).expect("JSON");
    assert_eq!(summary["up_to_date"], false, "{summary}");
    assert_eq!(
        summary["indexed"],
        serde_json::json!(["documents/field-note.md"]),
        "only the new file is read: {summary}"
    );
    assert_eq!(summary["documents"], 13, "{summary}");
    assert_eq!(
        server.total(&[("q", "zeppelinography")]),
        1,
        "served at once"
    );
    let again: Value =
        serde_json::from_str(&send(&server, "POST", REBUILD, &[], None).text).expect("JSON");
    assert_eq!(again["up_to_date"], true, "{again}");

    let without_corpus = TestServer::start(demo_index(), None);
    assert_refused(
        send(&without_corpus, "POST", REBUILD, &[], None),
        ErrorCode::NoCorpus,
        "a rebuild without a corpus",
    );
    assert_refused(
        send(&server, "POST", &format!("{REBUILD}?force=true"), &[], None),
        ErrorCode::InvalidFieldValue,
        "a rebuild with a parameter",
    );
}

#[test]
fn no_cross_origin_header_is_sent_unless_an_origin_is_named() {
    let server = TestServer::start(demo_index(), None);
    let origin = ("Origin", "http://evil.example");
    let preflight = [
        origin,
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ),
    ];
    let json = ("Content-Type", "application/json");
    let answers = [
        send(&server, "GET", "/v1/search?q=trust", &[origin], None),
        send(&server, "GET", "/", &[origin], None),
        send(&server, "POST", "/v1/search", &[origin, json], Some("{}")),
        send(&server, "OPTIONS", "/v1/search", &preflight, None),
        send(&server, "OPTIONS", REBUILD, &preflight, None),
        send(&server, "GET", "/nowhere", &[origin], None),
    ];
    for reply in &answers {
        assert!(cors_headers(reply).is_empty(), "{reply:?}");
    }
    assert_eq!(
        answers[3].status, 405,
        "no preflight is answered: {answers:?}"
    );

    let app = "https://app.example";
    let with_cors = TestServer::rebuildable(Config {
        cors: CorsOrigins::new(&[app.to_string()]).expect("an origin"),
        ..Config::default()
    });
    let mut preflight = preflight;
    preflight[0] = ("Origin", app);
    let answer = send(&with_cors, "OPTIONS", "/v1/search", &preflight, None);
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.header("access-control-allow-origin"), app);
    assert!(answer.header("access-control-allow-credentials").is_empty());
    assert!(
        answer
            .header("access-control-allow-headers")
            .contains("authorization"),
        "{answer:?}"
    );
    let other = send(&with_cors, "GET", "/v1/search?q=trust", &[origin], None);
    assert!(
        other.header("access-control-allow-origin").is_empty(),
        "{other:?}"
    );
    // The named origin's page may write too.
    let write = send(
        &with_cors,
        "POST",
        REBUILD,
        &[("Origin", app), ("Sec-Fetch-Site", "cross-site")],
        None,
    );
    assert_ok(&write, "a write from the named origin");
    assert_eq!(write.header("access-control-allow-origin"), app);
}

#[test]
fn keys_do_what_their_scope_allows() {
    let server = TestServer::rebuildable(Config {
        keys: team_keys(),
        ..Config::default()
    });
    let json = ("Content-Type", "application/json");
    let (reader, writer, owner) = (bearer(READER), bearer(WRITER), bearer(OWNER));
    let read = ("Authorization", reader.as_str());
    // The co-author searches, reads documents and exports.
    for (method, path, body) in [
        ("GET", "/v1/search?q=trust", None),
        ("GET", "/v1/search?q=trust&format=csv", None),
        ("GET", "/v1/search?q=trust&format=docx", None),
        (
            "POST",
            "/v1/crosstab?format=xlsx",
            Some(sample_body("/v1/crosstab")),
        ),
        (
            "POST",
            "/v1/keyness?format=md",
            Some(sample_body("/v1/keyness")),
        ),
        ("GET", "/v1/documents", None),
    ] {
        let reply = send(&server, method, path, &[read, json], body);
        assert_ok(&reply, &format!("the read key: {method} {path}"));
    }
    let csv = send(
        &server,
        "GET",
        "/v1/search?q=trust&format=csv",
        &[read],
        None,
    );
    assert!(
        csv.header("content-type").starts_with("text/csv"),
        "{csv:?}"
    );
    let message = assert_refused(
        send(&server, "POST", REBUILD, &[read], None),
        ErrorCode::InsufficientScope,
        "the read key rebuilding",
    );
    assert!(
        message.contains("write scope") && message.contains("coauthor"),
        "names the scope needed and the key: {message}"
    );
    // The assistant's write key reads and rebuilds.
    let write = ("Authorization", writer.as_str());
    assert_ok(
        &send(&server, "GET", "/v1/search?q=trust", &[write], None),
        "the write key reading",
    );
    assert_ok(
        &send(&server, "POST", REBUILD, &[write], None),
        "the write key rebuilding",
    );
    // The owner's admin key does everything (files only where uploads are on: tests/tests/live.rs;
    // sets in the order tests/tests/sets.rs makes them).
    for (method, path, _) in server::routes::access()
        .into_iter()
        .filter(|(_, path, _)| !path.starts_with("/v1/files") && !needs_earlier_requests(path))
    {
        let path = path
            .replace("{id}", "mcdermott-2019-integrated-care")
            .replace("{n}", "1")
            .replace("{field}", "role");
        let body = (method == Method::POST).then(|| sample_body(&path));
        let reply = send(
            &server,
            method.as_str(),
            &path,
            &[("Authorization", &owner), json],
            body,
        );
        assert_ok(&reply, &format!("the admin key: {method} {path}"));
    }
}

#[test]
fn the_eleventh_wrong_key_in_a_minute_is_429_even_with_the_right_key() {
    let server = TestServer::start(demo_index(), Some(OWNER));
    assert_eq!(
        Config::default().wrong_keys_allowed,
        10,
        "the default limit"
    );
    // Calls without a key (the page's first calls, before it asks for one) do not count.
    for _ in 0..20 {
        assert_refused(
            send(&server, "GET", "/v1/stats", &[], None),
            ErrorCode::MissingApiKey,
            "no key",
        );
    }
    for n in 1..=server::auth::DEFAULT_FAILURES_ALLOWED {
        let wrong = bearer(&format!("guess-{n}"));
        assert_refused(
            send(
                &server,
                "GET",
                "/v1/stats",
                &[("Authorization", &wrong)],
                None,
            ),
            ErrorCode::InvalidApiKey,
            &format!("wrong key {n}"),
        );
    }
    let owner = bearer(OWNER);
    for key in [bearer("guess-11"), owner.clone()] {
        let reply = send(
            &server,
            "GET",
            "/v1/stats",
            &[("Authorization", &key)],
            None,
        );
        let wait: u64 = reply.header("retry-after").parse().unwrap_or(0);
        assert!(
            (1..=60).contains(&wait),
            "Retry-After in seconds: {reply:?}"
        );
        assert_refused(
            reply,
            ErrorCode::TooManyFailedAttempts,
            "after ten wrong keys",
        );
    }
    assert_refused(
        send(&server, "GET", "/v1/stats", &[], None),
        ErrorCode::MissingApiKey,
        "no key after the lock-out: nothing was guessed",
    );
    assert_ok(
        &send(&server, "GET", "/health", &[], None),
        "open routes stay open",
    );
}

#[test]
fn openapi_names_the_scope_of_every_route() {
    let server = TestServer::start(demo_index(), Some(OWNER));
    let doc: Value = server.get_ok("/openapi.json");
    for (method, path, access) in server::routes::access() {
        let operation = &doc["paths"][path][method.as_str().to_lowercase()];
        let what = format!("{method} {path}");
        match access {
            Access::Open => {
                assert!(operation.get("x-scope").is_none(), "{what}: {operation:#}");
                assert!(operation.get("security").is_none(), "{what}: {operation:#}");
            }
            Access::Needs(scope) => {
                assert_eq!(operation["x-scope"], scope.as_str(), "{what}");
                assert_eq!(
                    operation["security"],
                    serde_json::json!([{"api_key": []}]),
                    "{what}"
                );
                for status in ["401", "403", "421", "429"] {
                    assert!(
                        operation["responses"].get(status).is_some(),
                        "{what} documents {status}"
                    );
                }
            }
        }
    }
    assert_eq!(doc["paths"][REBUILD]["post"]["x-scope"], "write");
}

/// A keys file holding `(name, scope, secret)` keys as digests, with `mode`.
fn write_keys_file(path: &Path, keys: &[(&str, &str, &str)], mode: u32) {
    let text: String = keys
        .iter()
        .map(|(name, scope, secret)| {
            format!(
                "[[key]]\nname = \"{name}\"\nscope = \"{scope}\"\nsha256 = \"{}\"\n\n",
                sha256sum(secret)
            )
        })
        .collect();
    write_with_mode(path, &text, mode);
}

fn write_with_mode(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write the keys file");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A secret's SHA-256 as the README says to write it: `printf %s SECRET | sha256sum`.
fn sha256sum(secret: &str) -> String {
    let output = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | sha256sum", "sh", secret])
        .output()
        .expect("run sha256sum");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_string()
}

#[test]
fn the_binary_takes_scoped_keys_a_keys_file_and_allowed_hosts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keys_file = dir.path().join("keys.toml");
    write_keys_file(&keys_file, &[("owner", "admin", OWNER)], 0o600);
    let mut command = server_command(
        &Binary::Server.path(),
        &dir.path().join("index"),
        &corpus_dir(),
    );
    command.args([
        "--bind",
        "127.0.0.1:0",
        "--api-key",
        &format!("coauthor:read:{READER}"),
        "--api-key",
        &format!("assistant:write:{WRITER}"),
        "--keys",
    ]);
    command
        .arg(&keys_file)
        .args(["--allowed-host", "verbatim.example"]);
    let server = ListeningChild::start(&mut command).expect("the server starts");
    let port = port_of(server.address()).to_string();
    let (status, _) = get_with_host(
        server.address(),
        "/health",
        &format!("verbatim.example:{port}"),
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let (status, _) = get_with_host(server.address(), "/health", "evil.example");
    assert!(status.starts_with("HTTP/1.1 421"), "{status}");

    let (reader, writer, owner) = (bearer(READER), bearer(WRITER), bearer(OWNER));
    assert_ok(
        &send(
            &server,
            "GET",
            "/v1/search?q=trust",
            &[("Authorization", &reader)],
            None,
        ),
        "the read key searches",
    );
    assert_refused(
        send(
            &server,
            "POST",
            REBUILD,
            &[("Authorization", &reader)],
            None,
        ),
        ErrorCode::InsufficientScope,
        "the read key rebuilds",
    );
    assert_ok(
        &send(&server, "POST", REBUILD, &[("Authorization", &owner)], None),
        "the file's admin key rebuilds",
    );
    let audit = server.wait_for_log("index rebuilt");
    assert!(
        audit.contains("owner") && audit.contains(REBUILD),
        "{audit}"
    );
    assert_ok(
        &send(
            &server,
            "POST",
            REBUILD,
            &[("Authorization", &writer)],
            None,
        ),
        "the write key rebuilds",
    );
    let audit = server.wait_for_log("index rebuilt");
    assert!(audit.contains("assistant"), "{audit}");
    for secret in [READER, WRITER, OWNER] {
        assert!(!audit.contains(secret), "a secret in the log: {audit}");
    }
}

#[test]
fn a_single_verbatim_api_key_is_an_admin_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = server_command(
        &Binary::Server.path(),
        &dir.path().join("index"),
        &corpus_dir(),
    );
    command
        .args(["--bind", "127.0.0.1:0"])
        .env("VERBATIM_API_KEY", OWNER)
        .env("VERBATIM_ALLOWED_HOSTS", "a.example,b.example");
    let server = ListeningChild::start(&mut command).expect("the server starts");
    for host in ["a.example", "b.example"] {
        let (status, _) = get_with_host(server.address(), "/health", host);
        assert!(status.starts_with("HTTP/1.1 200"), "{host}: {status}");
    }
    assert_ok(
        &send(
            &server,
            "POST",
            REBUILD,
            &[("Authorization", &bearer(OWNER))],
            None,
        ),
        "the one key rebuilds",
    );
    let audit = server.wait_for_log("index rebuilt");
    assert!(audit.contains(server::auth::DEFAULT_KEY_NAME), "{audit}");
}

#[test]
fn keys_files_others_can_read_are_refused_at_start_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index_dir = dir.path().join("index");
    let keys_file = dir.path().join("keys.toml");
    let start = |keys_file: &Path| {
        let mut command = server_command(&Binary::Server.path(), &index_dir, &corpus_dir());
        command
            .args(["--bind", "127.0.0.1:0", "--keys"])
            .arg(keys_file);
        command.output().expect("run verbatim-server")
    };
    for mode in [0o644, 0o640, 0o604, 0o666] {
        write_keys_file(&keys_file, &[("owner", "admin", OWNER)], mode);
        let output = start(&keys_file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "mode {mode:o}: {stderr}");
        assert!(
            stderr.contains(&format!("chmod 600 {}", keys_file.display())),
            "mode {mode:o}: says what to run: {stderr}"
        );
    }
    let wrong_scope = "[[key]]\nname = \"owner\"\nscope = \"root\"\nsha256 = \"00\"\n";
    write_with_mode(&keys_file, wrong_scope, 0o600);
    let output = start(&keys_file);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}, line 3", keys_file.display())),
        "names the file and line: {stderr}"
    );
    assert!(!index_dir.exists(), "refused before indexing anything");
}

/// The same in a real browser (headless Chromium), with the headers it sends of its own accord:
/// the page of another origin (a second server on another port: same site, other origin)
/// cannot make the browser rebuild the index, with a "simple" POST that needs no preflight or a
/// JSON one that does; the server's own page can.
#[test]
fn a_browser_rebuilds_only_from_the_servers_own_page() {
    let corpus = tempfile::tempdir().expect("temp dir");
    copy_dir(&corpus_dir(), corpus.path());
    let target = TestServer::rebuildable(Config {
        corpus: Some(corpus.path().to_path_buf()),
        ..Config::default()
    });
    let elsewhere = TestServer::start(demo_index(), None);
    std::fs::write(
        corpus.path().join("documents/field-note.md"),
        "---\ntitle: A field note\nkind: report\n---\nThe board discussed zeppelinography.\n",
    )
    .expect("write a new document");
    let mut page = crate::ui::browser::Browser::launch(800, 600);

    // A document of the other origin without the search page's Content-Security-Policy, which
    // would stop the fetch before it left the browser.
    page.navigate(&format!("{}/health", elsewhere.url));
    let rebuild = format!("{}{REBUILD}", target.url);
    // A form-like POST goes without asking first; its answer cannot be read (opaque), but it
    // has arrived once the promise resolves.
    let simple = page.eval(&format!(
        "fetch('{rebuild}', {{method: 'POST', mode: 'no-cors', body: 'x'}}).then(r => r.type)"
    ));
    assert_eq!(simple, "opaque", "the browser sent it");
    let json = page.eval(&format!(
        "fetch('{rebuild}', {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, body: '{{}}'}})\
         .then(r => 'answered ' + r.status, e => 'blocked: ' + e.name)"
    ));
    assert_eq!(json, "blocked: TypeError", "no CORS preflight is granted");
    assert_eq!(
        target.total(&[("q", "zeppelinography")]),
        0,
        "another origin's page did not rebuild the index"
    );

    page.navigate(&format!("{}/", target.url));
    let own = page.eval(&format!(
        "fetch('{REBUILD}', {{method: 'POST'}}).then(r => r.json())"
    ));
    assert_eq!(
        own["indexed"],
        serde_json::json!(["documents/field-note.md"]),
        "{own}"
    );
    assert_eq!(target.total(&[("q", "zeppelinography")]), 1);
}
