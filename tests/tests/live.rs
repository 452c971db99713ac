//! A living corpus (issue 27): the real `verbatim-server` watches its corpus folder and indexes
//! what is added, edited and removed there without a restart, and `GET /v1/index` says what each
//! build took in. Every test waits for the index's builds to happen, never for a set time.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use indexer::Watcher;
use indexer::api::{FacetCount, SearchResponse};
use indexer::watch::{IndexStatus, WatchOptions, WatchStatus, WatchedBuild};
use server::routes::Uploaded;
use verbatim_tests::{
    Binary, ErrorCode, HttpApi, ListeningChild, Reply, TestServer, http_send, query_string,
    server_command, wait_for,
};

use crate::reliability::{Expected, SyntheticCorpus, VARIANT_WORD, index_contents};
use crate::ui::audit::assert_accessible;
use crate::ui::browser::{Browser, Key};

/// The watch's quiet time in these tests, unless one sets its own: short, so they are quick.
const QUIET: &str = "300ms";

/// A corpus in a temp dir, served and watched by the real binary.
struct Watched {
    dir: tempfile::TempDir,
    server: ListeningChild,
}

impl Watched {
    /// A corpus of one interview (two participants), served with the watch's `flags`.
    fn start(flags: &[&str]) -> Watched {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        write(
            &corpus,
            "participants.csv",
            "id,role,site\nID1,GP,north\nID2,Manager,south\n",
        );
        write(
            &corpus,
            "documents/first.md",
            &interview("First", "ID1", "practices share a waiting room"),
        );
        let server = serve(dir.path(), flags);
        Watched { dir, server }
    }

    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    fn write(&self, rel: &str, text: &str) {
        write(&self.corpus(), rel, text);
    }

    fn status(&self) -> IndexStatus {
        self.server.get_ok("/v1/index")
    }

    /// Waits until a build after the one `before` saw has finished, and returns the status then.
    fn next_build(&self, before: &IndexStatus) -> IndexStatus {
        let builds = watch(before).builds;
        wait_for("the watcher's next build", || {
            let status = self.status();
            let watch = watch(&status);
            (watch.builds > builds && !watch.building).then_some(status)
        })
    }

    /// Passages holding `phrase`.
    fn hits(&self, phrase: &str) -> u64 {
        self.server.total(&[("q", &format!("\"{phrase}\""))])
    }
}

/// The real server over `dir/corpus`, its index in `dir/index`.
fn serve(dir: &Path, flags: &[&str]) -> ListeningChild {
    ListeningChild::start(&mut watching_server(dir, flags)).unwrap_or_else(|e| panic!("{e}"))
}

/// The command of [`serve`].
fn watching_server(dir: &Path, flags: &[&str]) -> std::process::Command {
    let mut command = server_command(
        &Binary::Server.path(),
        &dir.join("index"),
        &dir.join("corpus"),
    );
    command.args(["--bind", "127.0.0.1:0"]);
    if !flags.contains(&"--watch-quiet") {
        command.args(["--watch-quiet", QUIET]);
    }
    command.args(flags);
    command
}

fn write(corpus: &Path, rel: &str, text: &str) {
    let path = corpus.join(rel);
    fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
    fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// An interview where `speaker` says `words`.
fn interview(title: &str, speaker: &str, words: &str) -> String {
    format!(
        "---\ntitle: {title}\nkind: interview\n---\nInterviewer: Tell me about it.\n{speaker}: Here {words}.\n"
    )
}

fn watch(status: &IndexStatus) -> &WatchStatus {
    status
        .watch
        .as_ref()
        .unwrap_or_else(|| panic!("the corpus is not watched: {status:#?}"))
}

fn last_build(status: &IndexStatus) -> &WatchedBuild {
    watch(status)
        .last_build
        .as_ref()
        .unwrap_or_else(|| panic!("no build reported: {status:#?}"))
}

#[test]
fn added_edited_removed_and_refused_files_are_taken_in_without_a_restart() {
    let watched = Watched::start(&[]);
    let started = watched.status();
    assert!(
        started.watching && !watch(&started).building,
        "{started:#?}"
    );
    assert_eq!(watched.hits("practices share a waiting room"), 1);

    watched.write(
        "documents/second.md",
        &interview("Second", "ID2", "budgets follow the patients"),
    );
    let added = watched.next_build(&started);
    assert_ne!(added.generation, started.generation, "a new generation");
    assert_eq!(last_build(&added).added, ["documents/second.md"]);
    assert_eq!(watched.hits("budgets follow the patients"), 1);

    watched.write(
        "documents/second.md",
        &interview("Second", "ID2", "estates hold the practices back"),
    );
    let edited = watched.next_build(&added);
    assert_eq!(last_build(&edited).changed, ["documents/second.md"]);
    assert_eq!(watched.hits("estates hold the practices back"), 1);
    assert_eq!(
        watched.hits("budgets follow the patients"),
        0,
        "the old text is gone"
    );

    fs::remove_file(watched.corpus().join("documents/second.md")).expect("remove");
    let removed = watched.next_build(&edited);
    assert_eq!(last_build(&removed).removed, ["documents/second.md"]);
    assert_eq!(watched.hits("estates hold the practices back"), 0);
    assert_eq!(
        watched.hits("practices share a waiting room"),
        1,
        "the rest stays"
    );

    watched.write("documents/broken.md", "---\ntitle: [unclosed\n---\nText.\n");
    watched.write(
        "documents/third.md",
        &interview("Third", "ID1", "the federation pays for it"),
    );
    let refused = watched.next_build(&removed);
    let build = last_build(&refused);
    assert_eq!(build.added, ["documents/broken.md", "documents/third.md"]);
    assert_eq!(build.refused.len(), 1, "{build:#?}");
    assert_eq!(build.refused[0].file, "documents/broken.md");
    assert!(!build.refused[0].reason.is_empty(), "{build:#?}");
    assert_eq!(
        watched.hits("the federation pays for it"),
        1,
        "a bad file keeps nothing else out"
    );
    watched.server.wait_for_log("documents/third.md");
}

#[test]
fn a_participants_sheet_edit_changes_the_role_facet() {
    let watched = Watched::start(&[]);
    let roles = |watched: &Watched| -> Vec<String> {
        let counts: Vec<FacetCount> = watched.server.get_ok("/v1/facets/role");
        counts.into_iter().map(|count| count.value).collect()
    };
    assert!(roles(&watched).contains(&"GP".to_string()));
    let before = watched.status();
    watched.write(
        "participants.csv",
        "id,role,site\nID1,Practice nurse,north\nID2,Manager,south\n",
    );
    let after = watched.next_build(&before);
    assert!(last_build(&after).config_changed, "{after:#?}");
    let roles = roles(&watched);
    assert!(
        roles.contains(&"Practice nurse".to_string()) && !roles.contains(&"GP".to_string()),
        "{roles:?}"
    );
}

#[test]
fn a_file_written_in_two_parts_with_a_pause_is_read_whole() {
    // A quiet time ten times the pause, so a busy machine cannot stretch the one past the other.
    let watched = Watched::start(&["--watch-quiet", "1s"]);
    let before = watched.status();
    let path = watched.corpus().join("documents/slow.md");
    let mut file = fs::File::create(&path).expect("create");
    file.write_all(interview("Slow", "ID1", "the first half arrives").as_bytes())
        .expect("write the first part");
    file.flush().expect("flush");
    // The fault injected: a copy that stalls for a moment, well within the quiet time.
    std::thread::sleep(Duration::from_millis(100));
    file.write_all(b"ID2: And the second half follows it.\n")
        .expect("write the second part");
    drop(file);

    let after = watched.next_build(&before);
    assert_eq!(
        watch(&after).builds,
        watch(&before).builds + 1,
        "one build, not one per part"
    );
    assert_eq!(last_build(&after).added, ["documents/slow.md"]);
    assert_eq!(watched.hits("the second half follows it"), 1, "read whole");
}

#[test]
fn a_burst_of_100_files_is_one_build_or_a_few() {
    let watched = Watched::start(&[]);
    let before = watched.status();
    for n in 0..100 {
        watched.write(
            &format!("documents/burst/{n:03}.md"),
            &interview(&format!("Burst {n}"), "ID1", "a burst of copied files"),
        );
    }
    wait_for("the burst to be indexed", || {
        (watched.hits("a burst of copied files") == 100).then_some(())
    });
    // The new generation serves a moment before the watcher has counted its build.
    let after = watched.next_build(&before);
    let builds = watch(&after).builds - watch(&before).builds;
    assert!(
        (1..=3).contains(&builds),
        "{builds} builds for a burst of 100 files"
    );
}

#[test]
fn a_kill_during_a_watched_build_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    let versions = [0, 1].map(|version| SyntheticCorpus {
        files: 300,
        version,
    });
    let old = versions[0].write(&corpus);
    let server = serve(dir.path(), &[]);
    let before: IndexStatus = server.get_ok("/v1/index");
    let new = versions[1].write(&corpus);
    wait_for("the watcher to start building", || {
        let status: IndexStatus = server.get_ok("/v1/index");
        watch(&status).building.then_some(())
    });
    // SIGKILL: no destructor, no clean-up, mid-build.
    drop(server);

    let after_kill = contents(&index_dir);
    assert!(
        after_kill == old || after_kill == new,
        "the kill left {after_kill:?}, neither the last good build {old:?} nor the new one {new:?}"
    );
    let restarted = serve(dir.path(), &[]);
    let status: IndexStatus = restarted.get_ok("/v1/index");
    assert_ne!(status.generation, before.generation);
    assert_eq!(
        contents(&index_dir),
        new,
        "the next start finished the build"
    );
    assert_eq!(
        restarted.total(&[("q", VARIANT_WORD)]),
        new.variant_passages
    );
}

/// What the index in `index_dir` holds now.
fn contents(index_dir: &Path) -> Expected {
    let index = indexer::Index::open(index_dir).expect("the index opens");
    index_contents(&index).expect("the index answers")
}

#[test]
fn verbatim_index_watch_prints_a_summary_after_each_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    write(
        &corpus,
        "documents/first.md",
        &interview("First", "ID1", "one"),
    );
    let mut child = Binary::Indexer
        .command()
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("--watch")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start verbatim-index --watch");
    let lines = lines_of(child.stdout.take().expect("stdout is piped"));
    let next_line = |needle: &str| {
        wait_for(&format!("a line with {needle:?}"), || {
            lines.try_iter().find(|line| line.contains(needle))
        })
    };
    next_line("files      1 indexed");
    write(
        &corpus,
        "documents/second.md",
        &interview("Second", "ID2", "two"),
    );
    next_line("files      1 indexed");
    next_line("documents  2");
    let _ = child.kill();
    let _ = child.wait();
}

/// The lines a child writes, as they come.
fn lines_of(output: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// The real router in process over a watched corpus of one interview (`dir/corpus`), with the
/// config `config` makes for that corpus: the page's tests start it so.
fn page_server(config: impl Fn(&Path) -> server::Config) -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    write(
        &corpus,
        "documents/first.md",
        &interview("First", "ID1", "practices share a waiting room"),
    );
    let options = WatchOptions {
        quiet: Duration::from_millis(100),
        ..WatchOptions::default()
    };
    let watcher = Watcher::start(&corpus, &index_dir, options).expect("watch");
    let index = indexer::Index::open(&index_dir).expect("open the index");
    let state = server::AppState::new(index, config(&corpus)).watched_by(watcher);
    (dir, TestServer::serve(server::app(state)))
}

/// The page over a watched corpus shows a notice when the index behind its results changes,
/// keeps the results until asked, re-runs them from the keyboard, and passes the audit.
#[test]
fn the_page_offers_the_changed_index_and_re_runs_only_when_asked() {
    let (dir, server) = page_server(|_| server::Config::default());
    let corpus = dir.path().join("corpus");

    let mut page = Browser::launch(1280, 860);
    page.navigate(&format!("{}/?q=practices", server.url));
    let total = "(document.getElementById('total')?.dataset.total ?? null)";
    let polled = "(performance.getEntriesByName(location.origin + '/v1/index').length > 0 || null)";
    page.wait_until("the first results", &format!("{total} === '1' || null"));
    page.wait_until("the page to ask about the index", polled);

    write(
        &corpus,
        "documents/second.md",
        &interview("Second", "ID2", "practices pool their staff"),
    );
    write(
        &corpus,
        "documents/broken.md",
        "---\ntitle: [unclosed\n---\n",
    );
    let notice = page.wait_until(
        "the notice",
        "(() => { const n = document.getElementById('index-notice'); return n.hidden ? null : n.textContent; })()",
    );
    let notice = notice.as_str().unwrap_or_default().to_string();
    assert!(
        notice.contains("2 files added, 1 refused") && notice.contains("documents/broken.md"),
        "{notice}"
    );
    assert_eq!(page.eval(total), "1", "the results stay until asked");
    assert_accessible(&mut page, "the changed-index notice");

    page.eval("document.querySelector('#index-notice button').focus()");
    page.press(Key::Enter);
    page.wait_until(
        "the new results, the notice gone",
        &format!("{total} === '2' && document.getElementById('index-notice').hidden || null"),
    );
    let errors = page.page_errors();
    assert!(errors.is_empty(), "the page logged errors: {errors:#?}");
}

/// The write key of the upload tests' servers, as `VERBATIM_API_KEY` gives it.
const WRITER: (&str, &str) = ("VERBATIM_API_KEY", "uploader:write:up-secret");
const SECRET: &str = "up-secret";

/// A multipart form of `files` (name, content), as a browser or curl sends it.
fn form(files: &[(&str, &str)]) -> (String, String) {
    let boundary = "verbatim-live-test-0f3a";
    let mut body = String::new();
    for (name, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST /v1/files?folder=...` with `files`, with the key or without.
fn upload(
    server: &ListeningChild,
    key: Option<&str>,
    folder: &str,
    files: &[(&str, &str)],
) -> Reply {
    let (content_type, body) = form(files);
    let authorization = key.map(|key| format!("Bearer {key}"));
    let mut headers = vec![("Content-Type", content_type.as_str())];
    if let Some(authorization) = &authorization {
        headers.push(("Authorization", authorization));
    }
    let url = format!(
        "{}/v1/files{}",
        server.address(),
        query_string(&[("folder", folder)])
    );
    http_send("POST", &url, &headers, Some(&body)).json("POST /v1/files")
}

fn status_with_key(server: &ListeningChild) -> IndexStatus {
    server
        .request("GET", "/v1/index", Some(SECRET), None)
        .ok("GET /v1/index")
}

/// Waits for the next build after `before` on a server with keys.
fn next_build_with_key(server: &ListeningChild, before: &IndexStatus) -> IndexStatus {
    let builds = watch(before).builds;
    wait_for("the watcher's next build", || {
        let status = status_with_key(server);
        (watch(&status).builds > builds && !watch(&status).building).then_some(status)
    })
}

fn assert_refused(reply: &Reply, status: u16, code: ErrorCode) -> String {
    assert_eq!(
        (reply.status, reply.error().code),
        (status, code),
        "{:#}",
        reply.body
    );
    reply.error().message
}

#[test]
fn uploads_need_the_key_and_the_flag_stay_inside_the_corpus_and_are_indexed() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        &dir.path().join("corpus"),
        "documents/first.md",
        &interview("First", "ID1", "one"),
    );
    let mut command = watching_server(dir.path(), &["--allow-uploads"]);
    let server =
        ListeningChild::start(command.env(WRITER.0, WRITER.1)).unwrap_or_else(|e| panic!("{e}"));
    let transcript = interview("Uploaded", "ID2", "the upload arrived whole");
    let file = [("uploaded.md", transcript.as_str())];

    assert_refused(
        &upload(&server, None, "documents", &file),
        401,
        ErrorCode::MissingApiKey,
    );
    for folder in ["../outside", "/tmp", "documents/../..", ".hidden"] {
        assert_refused(
            &upload(&server, Some(SECRET), folder, &file),
            400,
            ErrorCode::InvalidPath,
        );
    }
    let outside = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("corpus/link")).expect("symlink");
    assert_refused(
        &upload(&server, Some(SECRET), "link", &file),
        400,
        ErrorCode::InvalidPath,
    );
    let message = assert_refused(
        &upload(
            &server,
            Some(SECRET),
            "documents",
            &[("photo.jpg", "not text")],
        ),
        415,
        ErrorCode::UnsupportedFormat,
    );
    assert!(
        message.contains(".docx") && message.contains(".md"),
        "{message}"
    );
    let huge = "x".repeat((64 << 20) + 1);
    let message = assert_refused(
        &upload(&server, Some(SECRET), "documents", &[("huge.txt", &huge)]),
        413,
        ErrorCode::PayloadTooLarge,
    );
    assert!(message.contains("64 MB"), "{message}");
    assert!(
        fs::read_dir(outside.path()).expect("read").next().is_none(),
        "nothing written outside the corpus"
    );

    let before = status_with_key(&server);
    let reply = upload(&server, Some(SECRET), "documents/2024", &file);
    let written: Uploaded = reply.ok("an upload");
    assert_eq!(written.files[0].path, "documents/2024/uploaded.md");
    let after = next_build_with_key(&server, &before);
    assert_eq!(last_build(&after).added, ["documents/2024/uploaded.md"]);
    let found: SearchResponse = server
        .request(
            "GET",
            "/v1/search?q=%22the%20upload%20arrived%20whole%22",
            Some(SECRET),
            None,
        )
        .ok("search");
    assert_eq!(found.total, 1);
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("corpus/documents/2024"))
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers, ["uploaded.md"], "no temporary file left");
    server.wait_for_log("files uploaded into the corpus");

    let removed = server.request(
        "DELETE",
        "/v1/files/documents%2F2024%2Fuploaded.md",
        Some(SECRET),
        None,
    );
    assert_eq!(removed.status, 200, "{:#}", removed.body);
    let gone = next_build_with_key(&server, &after);
    assert_eq!(last_build(&gone).removed, ["documents/2024/uploaded.md"]);
    let missing = server.request(
        "DELETE",
        "/v1/files/documents%2Fnone.md",
        Some(SECRET),
        None,
    );
    assert_refused(&missing, 404, ErrorCode::NotFound);
    let escape = server.request("DELETE", "/v1/files/..%2Fx.md", Some(SECRET), None);
    assert_refused(&escape, 400, ErrorCode::InvalidPath);
}

#[test]
fn uploads_are_off_without_the_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        &dir.path().join("corpus"),
        "documents/first.md",
        &interview("First", "ID1", "one"),
    );
    let mut command = watching_server(dir.path(), &[]);
    let server =
        ListeningChild::start(command.env(WRITER.0, WRITER.1)).unwrap_or_else(|e| panic!("{e}"));
    let file = [("a.md", "text")];
    assert_refused(
        &upload(&server, Some(SECRET), "documents", &file),
        403,
        ErrorCode::UploadsDisabled,
    );
    let delete = server.request(
        "DELETE",
        "/v1/files/documents%2Ffirst.md",
        Some(SECRET),
        None,
    );
    assert_refused(&delete, 403, ErrorCode::UploadsDisabled);
    assert!(dir.path().join("corpus/documents/first.md").is_file());
}

#[test]
fn uploads_are_refused_at_start_up_without_a_key_or_on_a_read_only_corpus() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).expect("corpus");
    let refusal = |command: &mut std::process::Command| {
        let output = command.output().expect("run verbatim-server");
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = refusal(&mut watching_server(dir.path(), &["--allow-uploads"]));
    assert!(
        stderr.contains("needs an API key with the write scope"),
        "{stderr}"
    );

    let _read_only = ReadOnly::make(&corpus);
    let stderr = refusal(watching_server(dir.path(), &["--allow-uploads"]).env(WRITER.0, WRITER.1));
    assert!(
        stderr.contains("cannot write into the corpus") && stderr.contains("read-only"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("index").exists(),
        "refused before indexing"
    );
}

/// A folder made read-only for the length of a test: a read-only file system mounted on it when
/// running as root (who writes through permissions), its permissions otherwise.
struct ReadOnly<'a> {
    dir: &'a Path,
    mounted: bool,
}

impl<'a> ReadOnly<'a> {
    fn make(dir: &'a Path) -> ReadOnly<'a> {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if root {
            let mounted = std::process::Command::new("mount")
                .args(["-t", "tmpfs", "-o", "ro", "tmpfs"])
                .arg(dir)
                .status()
                .expect("run mount");
            assert!(
                mounted.success(),
                "mount a read-only tmpfs on {}",
                dir.display()
            );
        } else {
            fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o555))
                .expect("chmod");
        }
        ReadOnly { dir, mounted: root }
    }
}

impl Drop for ReadOnly<'_> {
    fn drop(&mut self) {
        if self.mounted {
            let _ = std::process::Command::new("umount").arg(self.dir).status();
        } else {
            let _ = fs::set_permissions(
                self.dir,
                std::os::unix::fs::PermissionsExt::from_mode(0o755),
            );
        }
    }
}

/// On a server that takes files, the page sends dropped files with their progress and says when
/// each is indexed; the panel is keyboard-operable and passes the audit.
#[test]
fn the_page_sends_dropped_files_and_says_when_they_are_indexed() {
    let (dir, server) = page_server(|corpus| {
        let keys = server::auth::Keys::new(vec![server::auth::ApiKey::new(
            "uploader",
            server::auth::Scope::Write,
            SECRET,
        )])
        .expect("keys");
        server::Config {
            keys,
            corpus: Some(corpus.to_path_buf()),
            allow_uploads: true,
            ..server::Config::default()
        }
    });
    let corpus = dir.path().join("corpus");

    let mut page = Browser::launch(1280, 860);
    page.navigate(&format!("{}/?q=practices", server.url));
    page.wait_until(
        "the API key form",
        "!document.getElementById('key-panel').hidden && document.activeElement.id === 'api-key' || null",
    );
    page.insert_text(SECRET);
    page.press(Key::Enter);
    page.wait_until(
        "the results, with the key",
        "(document.getElementById('total')?.dataset.total ?? null) === '1' || null",
    );
    page.wait_until(
        "the upload panel",
        "!document.getElementById('uploads').hidden || null",
    );
    page.eval("document.getElementById('upload-pick').focus()");
    assert_eq!(page.focused_accessible_name(), "Add files");

    page.eval(
        r#"(() => {
          const files = new DataTransfer();
          files.items.add(new File(["---\ntitle: Dropped\nkind: interview\n---\nInterviewer: So?\nID2: The dropped file arrived.\n"], "dropped.md"));
          files.items.add(new File(["not a transcript"], "photo.jpg"));
          window.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
          return true;
        })()"#,
    );
    let states = page.wait_until(
        "each file's outcome",
        r#"(() => {
          const states = [...document.querySelectorAll('#upload-list li')].map((li) => li.textContent);
          return states.length === 2 && states.some((s) => s.includes('indexed')) && states.some((s) => s.includes('refused')) ? states : null;
        })()"#,
    );
    let states = states.to_string();
    assert!(
        states.contains("dropped.md") && states.contains("searchable now"),
        "{states}"
    );
    assert!(
        states.contains("photo.jpg") && states.contains("not a format the corpus reads"),
        "{states}"
    );
    assert!(corpus.join("documents/dropped.md").is_file());
    assert_accessible(
        &mut page,
        "the upload panel with a file indexed and one refused",
    );
    let found: SearchResponse = server
        .request(
            "GET",
            "/v1/search?q=%22dropped%20file%20arrived%22",
            Some(SECRET),
            None,
        )
        .ok("search");
    assert_eq!(found.total, 1);
    let errors = page.page_errors();
    assert!(errors.is_empty(), "the page logged errors: {errors:#?}");
}
