//! Hostile corpus files: empty, binary, invalid UTF-8, UTF-16 with a BOM, CRLF, a huge single
//! line, a participants sheet with missing and extra columns and duplicate ids, a symlink loop,
//! unreadable files and a named pipe. Each bad one is reported by name (and line where it has
//! one), every other file is indexed, and the index stays consistent.

use std::path::Path;

use indexer::api::SearchRequest;

use super::{index_contents, long_tests};

/// A good transcript with `turns` turns, each holding `marker`.
fn transcript(marker: &str, turns: usize) -> String {
    let mut text = String::from("---\ntitle: Good interview\nkind: interview\nsite: site 1\n---\n");
    for turn in 0..turns {
        let speaker = if turn % 2 == 0 { "Interviewer" } else { "ID9" };
        text.push_str(&format!(
            "{speaker}: we talked about {marker} and the budget.\n"
        ));
    }
    text
}

fn utf16_le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Writes the hostile corpus; returns the good files' passages, by the word each one holds.
fn write_corpus(root: &Path, huge_line_bytes: usize) -> Vec<(&'static str, u64)> {
    let documents = root.join("documents");
    std::fs::create_dir_all(&documents).expect("create documents/");
    let write = |rel: &str, bytes: &[u8]| {
        std::fs::write(root.join(rel), bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    };
    // Missing fields, an extra field, a duplicate id (in another case), an empty id.
    write(
        "participants.csv",
        b"id,role,site\nID9,Independent GP,site 1\nID10,GP\nID11,Manager,site 2,surplus\nid9,Manager,site 3\n,GP,site 1\nID12,Lay member,site 2\n",
    );
    write(
        "documents/good-plain.md",
        transcript("alpaca", 6).as_bytes(),
    );
    write(
        "documents/good-crlf.md",
        transcript("bison", 4).replace('\n', "\r\n").as_bytes(),
    );
    write(
        "documents/good-utf16.md",
        &utf16_le_with_bom(&transcript("camel", 5)),
    );
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend(transcript("dingo", 3).bytes());
    write("documents/good-utf8-bom.md", &bom8);

    write("documents/empty.md", b"");
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    write("documents/binary.md", &binary);
    let mut latin1 = transcript("eland", 4).into_bytes();
    latin1.extend(b"ID9: caf\xe9 au lait\n");
    write("documents/latin1.md", &latin1);
    let mut odd_utf16 = utf16_le_with_bom(&transcript("ferret", 2));
    odd_utf16.push(0x41);
    write("documents/truncated-utf16.md", &odd_utf16);
    write(
        "documents/unclosed-front-matter.md",
        b"---\ntitle: Never closed\nID9: words after an unclosed header\n",
    );
    let mut huge = String::from("---\ntitle: One huge line\nkind: interview\n---\nID9:");
    while huge.len() < huge_line_bytes {
        huge.push_str(" budget care trust");
    }
    huge.push('\n');
    write("documents/huge-line.md", huge.as_bytes());
    // Issue 21: a web page saved as one huge line of one huge paragraph.
    let page = format!(
        "<html><body><p>{}</p></body></html>",
        &huge[huge.find("ID9:").unwrap_or(0)..]
    );
    write("documents/huge-page.html", page.as_bytes());

    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("..", documents.join("loop")).expect("symlink loop");
        symlink(
            "/nonexistent/verbatim/transcript.md",
            documents.join("dangling.md"),
        )
        .expect("dangling symlink");
        // Unreadable even for root: reading another process's memory at offset 0 fails.
        symlink("/proc/self/mem", documents.join("unreadable.md")).expect("unreadable link");
        let fifo = documents.join("pipe.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        assert!(made, "mkfifo {}", fifo.display());
    }
    // Issue 21: a Latin-1 file is read by detection (with a warning), not refused.
    vec![
        ("alpaca", 6),
        ("bison", 4),
        ("camel", 5),
        ("dingo", 3),
        ("eland", 4),
    ]
}

/// The hostile files, each with the line its error must name (0: the whole file).
const REJECTED: [(&str, Option<usize>); 10] = [
    ("documents/empty.md", None),
    ("documents/binary.md", None),
    ("documents/truncated-utf16.md", None),
    ("documents/unclosed-front-matter.md", None),
    ("documents/huge-line.md", Some(5)),
    ("documents/huge-page.html", Some(1)),
    ("documents/loop", None),
    ("documents/dangling.md", None),
    ("documents/unreadable.md", None),
    ("participants.csv", None),
];

#[test]
fn hostile_files_are_reported_by_name_and_the_rest_is_indexed() {
    let huge = if long_tests() { 100 << 20 } else { 8 << 20 };
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    let good = write_corpus(&corpus, huge);

    let report = indexer::build(&corpus, &index_dir, &indexer::BuildOptions::default())
        .expect("a corpus with bad files still builds");
    let messages: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    let root = corpus.display().to_string();
    for message in &messages {
        assert!(
            message.starts_with(&root),
            "names its file first: {message}"
        );
    }
    for (file, line) in REJECTED {
        let named: Vec<&String> = messages.iter().filter(|m| m.contains(file)).collect();
        assert!(!named.is_empty(), "{file} is not reported: {messages:#?}");
        if let Some(line) = line {
            let at = format!("{file}:{line}:");
            assert!(
                named.iter().any(|m| m.contains(&at)),
                "{file}: no error at line {line}: {named:#?}"
            );
        }
    }
    for (participants_line, what) in [
        (3, "missing"),
        (4, "extra"),
        (5, "duplicate"),
        (6, "empty id"),
    ] {
        let at = format!("participants.csv:{participants_line}:");
        assert!(
            messages.iter().any(|m| m.contains(&at)),
            "the {what} row (line {participants_line}) is not reported: {messages:#?}"
        );
    }
    // The build returning at all shows the named pipe was not read: reading it would block.
    let latin1 = report
        .readings
        .iter()
        .find(|r| r.file == "documents/latin1.md")
        .expect("the Latin-1 file is indexed");
    assert_eq!(latin1.encoding, "windows-1252", "{latin1:#?}");
    assert!(
        latin1
            .warnings
            .iter()
            .any(|w| w.contains("read as windows-1252")),
        "{latin1:#?}"
    );

    let index = indexer::Index::open(&index_dir).expect("the index opens");
    let contents = index_contents(&index).unwrap_or_else(|e| panic!("inconsistent index: {e}"));
    let good_passages: u64 = good.iter().map(|(_, n)| n).sum();
    for (word, passages) in &good {
        let found = index
            .search(&SearchRequest::new(*word))
            .unwrap_or_else(|e| panic!("search {word}: {e}"));
        assert_eq!(
            found.total, *passages,
            "the good file with {word:?} is fully indexed"
        );
    }
    let participants = index.participants().expect("participants");
    let ids: Vec<String> = participants.iter().map(|p| p.id.to_string()).collect();
    assert!(
        ids.contains(&"ID9".to_string()) && ids.contains(&"ID12".to_string()),
        "the good participant rows are kept: {ids:?}"
    );
    assert!(
        contents.passages >= good_passages,
        "{contents:?} holds fewer passages than the good files ({good_passages})"
    );
    eprintln!(
        "hostile files: {} errors reported, naming {}; {} good files fully indexed ({} passages in all)",
        messages.len(),
        REJECTED.map(|(f, _)| f).join(", "),
        good.len(),
        contents.passages
    );
}

#[test]
fn the_indexer_binary_names_each_bad_file_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    write_corpus(&corpus, 2 << 20);
    let output = super::indexer_command(&corpus, &index_dir, false)
        .output()
        .expect("run verbatim-index");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for (file, _) in REJECTED {
        assert!(stderr.contains(file), "{file} not named: {stderr}");
    }
    let index = indexer::Index::open(&index_dir).expect("the index opens");
    assert!(index_contents(&index).is_ok());
}
