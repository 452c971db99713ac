//! Finding the corpus files under a root directory and classifying them by path.

use std::io;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::documents_sheet::DOCUMENTS_FILE;
use super::formats::Format;
use super::source::FileRef;
use crate::error::Error;

/// The participants sheet, at the corpus root.
pub const PARTICIPANTS_FILE: &str = "participants.csv";
/// The role groups, at the corpus root.
pub const ROLE_GROUPS_FILE: &str = "role_groups.toml";

/// Name prefixes of files that describe the corpus rather than belong to it.
const IGNORED_PREFIXES: [&str; 3] = ["readme", "license", "notice"];

/// What a corpus file is, judged by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A document, in the format its extension names.
    Document(Format),
    /// Passages imported as JSON lines (`.jsonl`).
    Jsonl,
    /// `participants.csv` at the root.
    Participants,
    /// `role_groups.toml` at the root.
    RoleGroups,
    /// `documents.csv` at the root: metadata for files without front matter.
    DocumentsSheet,
    /// `stopwords.txt` at the root: the project's edits of the stop words.
    StopWords,
    /// README*, LICENSE*, NOTICE*, dotfiles: skipped silently.
    Ignored,
    /// Anything else: skipped with a warning naming the file.
    Unsupported,
}

impl FileKind {
    /// Classifies a file by its path relative to the corpus root (`/` separators).
    pub fn of(rel: &str) -> FileKind {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let lower = name.to_ascii_lowercase();
        let at_root = dir.is_empty();
        if name.starts_with('.') || IGNORED_PREFIXES.iter().any(|p| lower.starts_with(p)) {
            FileKind::Ignored
        } else if at_root && lower == PARTICIPANTS_FILE {
            FileKind::Participants
        } else if at_root && lower == ROLE_GROUPS_FILE {
            FileKind::RoleGroups
        } else if at_root && lower == DOCUMENTS_FILE {
            FileKind::DocumentsSheet
        } else if at_root && lower == crate::compare::STOP_WORDS_FILE {
            FileKind::StopWords
        } else if lower.ends_with(".jsonl") {
            FileKind::Jsonl
        } else {
            Format::of_name(&lower).map_or(FileKind::Unsupported, FileKind::Document)
        }
    }
}

/// One file found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// Path relative to the corpus root, with `/` separators.
    pub rel: String,
    /// Path on disk.
    pub path: PathBuf,
    /// What the file is.
    pub kind: FileKind,
}

impl CorpusFile {
    /// The file as readers see it: its path in the corpus and on disk.
    pub(super) fn name(&self) -> FileRef<'_> {
        FileRef {
            rel: &self.rel,
            path: &self.path,
        }
    }

    /// A document at `/c/REL` in the format its name says, for tests.
    #[cfg(test)]
    pub(crate) fn document_at(rel: &str) -> CorpusFile {
        CorpusFile {
            rel: rel.into(),
            path: Path::new("/c").join(rel),
            kind: FileKind::of(rel),
        }
    }
}

/// Walks the corpus (sorted, deterministic; follows symlinks but reports loops and unreadable
/// entries as errors). Dot-directories are not entered; dotfiles are listed as [`FileKind::Ignored`].
#[tracing::instrument]
pub fn discover(root: &Path) -> (Vec<CorpusFile>, Vec<Error>) {
    if let Err(e) = check_is_dir(root) {
        return (Vec::new(), vec![e]);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let walk = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden_dir(entry));
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let rel = relative_path(root, entry.path());
                let kind = FileKind::of(&rel);
                files.push(CorpusFile {
                    rel,
                    path: entry.into_path(),
                    kind,
                });
            }
            Ok(_) => {}
            Err(e) => errors.push(walk_error(root, e)),
        }
    }
    tracing::debug!(files = files.len(), errors = errors.len(), "corpus walked");
    (files, errors)
}

fn check_is_dir(root: &Path) -> Result<(), Error> {
    let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(Error::io(
            root,
            io::Error::new(
                io::ErrorKind::NotADirectory,
                "the corpus must be a directory",
            ),
        ))
    }
}

fn is_hidden_dir(entry: &DirEntry) -> bool {
    entry.file_type().is_dir() && entry.file_name().to_string_lossy().starts_with('.')
}

fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn walk_error(root: &Path, e: walkdir::Error) -> Error {
    let path = e.path().unwrap_or(root).to_path_buf();
    if let Some(ancestor) = e.loop_ancestor() {
        return Error::malformed(
            path,
            0,
            format!(
                "symbolic link loops back to {}: remove the link or point it outside its own folder",
                ancestor.display()
            ),
        );
    }
    let source = e
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("unreadable directory entry"));
    Error::io(path, source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn kinds_by_path() {
        let cases = [
            ("participants.csv", FileKind::Participants),
            ("Participants.CSV", FileKind::Participants),
            ("role_groups.toml", FileKind::RoleGroups),
            ("Documents.csv", FileKind::DocumentsSheet),
            ("documents/documents.csv", FileKind::Unsupported),
            ("documents/participants.csv", FileKind::Unsupported),
            ("documents/role_groups.toml", FileKind::Unsupported),
            ("documents/a.md", FileKind::Document(Format::Text)),
            ("a.TXT", FileKind::Document(Format::Text)),
            ("imports/x.jsonl", FileKind::Jsonl),
            ("README.md", FileKind::Ignored),
            ("documents/readme.txt", FileKind::Ignored),
            ("LICENSE-MIT", FileKind::Ignored),
            ("NOTICE", FileKind::Ignored),
            ("documents/.draft.md", FileKind::Ignored),
            ("notes.docx", FileKind::Document(Format::Docx)),
            ("data.csv", FileKind::Unsupported),
            ("slides.pptx", FileKind::Unsupported),
        ];
        for (rel, kind) in cases {
            assert_eq!(FileKind::of(rel), kind, "{rel}");
        }
    }

    #[test]
    fn walks_sorted_and_classifies() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("documents/sub")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for file in [
            "README.md",
            ".hidden",
            "slides.pptx",
            "participants.csv",
            "role_groups.toml",
            "documents/b.md",
            "documents/a.md",
            "documents/sub/c.txt",
            "import.jsonl",
            ".git/config.md",
        ] {
            fs::write(root.join(file), "x").unwrap();
        }
        let (files, errors) = discover(root);
        assert!(errors.is_empty(), "{errors:?}");
        let found: Vec<(&str, FileKind)> = files.iter().map(|f| (f.rel.as_str(), f.kind)).collect();
        assert_eq!(
            found,
            [
                (".hidden", FileKind::Ignored),
                ("README.md", FileKind::Ignored),
                ("documents/a.md", FileKind::Document(Format::Text)),
                ("documents/b.md", FileKind::Document(Format::Text)),
                ("documents/sub/c.txt", FileKind::Document(Format::Text)),
                ("import.jsonl", FileKind::Jsonl),
                ("participants.csv", FileKind::Participants),
                ("role_groups.toml", FileKind::RoleGroups),
                ("slides.pptx", FileKind::Unsupported),
            ]
        );
        assert_eq!(files[2].path, root.join("documents/a.md"));
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_and_reports_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("linked.md"), "x").unwrap();
        fs::create_dir(root.join("documents")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("documents/shared")).unwrap();
        std::os::unix::fs::symlink(root.join("documents"), root.join("documents/loop")).unwrap();

        let (files, errors) = discover(root);
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["documents/shared/linked.md"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let message = errors[0].to_string();
        assert!(
            message.contains("documents/loop:0: symbolic link loops back to"),
            "{message}"
        );
    }

    #[test]
    fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (files, errors) = discover(&dir.path().join("nope"));
        assert!(files.is_empty());
        assert!(
            matches!(errors.as_slice(), [Error::Io { .. }]),
            "{errors:?}"
        );
    }
}
