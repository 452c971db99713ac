//! `POST /v1/files` and `DELETE /v1/files/{path}`: files added to and removed from the corpus
//! folder from the API and the page; the corpus's watcher then indexes them.
//!
//! Both are `write` routes, off unless the server was started with `--allow-uploads` (which
//! needs an API key and a writable corpus, checked at start-up by [`check_uploads`]). A file is
//! written under a hidden temporary name beside its target (the corpus walk skips dotfiles), then
//! renamed over it, so the watcher never reads half an upload. Paths are relative to the corpus,
//! without `..`, hidden names or symbolic links on the way: nothing is written outside it.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use axum::Extension;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path as UrlPath, State};
use indexer::ingest::{self, FileKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{Json, QueryPairs};
use crate::state::AppState;

/// Largest file accepted, in bytes: the cap ingest puts on a part of a Word or OpenDocument file.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// Largest upload request, in bytes (all its files together).
pub const MAX_UPLOAD_BYTES: u64 = 256 << 20;
/// The body limit of the upload route: its files and the form's part headers.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES as usize + (1 << 20);
/// The path of the upload route, whose body limit is [`MAX_UPLOAD_BYTES`] rather than the
/// server's.
pub const UPLOAD_PATH: &str = "/v1/files";

/// The files a corpus reads, for the 415's message.
fn formats() -> String {
    format!(
        "{}, .jsonl, and participants.csv, role_groups.toml or documents.csv at the top",
        ingest::DOCUMENT_EXTENSIONS
    )
}

/// What an upload wrote.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Uploaded {
    /// Each file written, in the order sent.
    pub files: Vec<UploadedFile>,
}

/// One file written into the corpus.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UploadedFile {
    /// Its path relative to the corpus (how `GET /v1/index` names it once indexed).
    pub path: String,
    /// Its size.
    pub bytes: u64,
}

/// Writes the files of a multipart form (one or more `file` parts, each with its file name) into
/// the corpus folder, atomically; the watcher indexes them a moment later (see `GET /v1/index`).
#[utoipa::path(
    post,
    path = "/v1/files",
    operation_id = "upload_files",
    tag = "index",
    params(("folder" = Option<String>, Query, description = "A folder inside the corpus, such as `documents/2024` (created if missing; default the corpus's top folder)")),
    request_body(content_type = "multipart/form-data", description = "One or more parts with a file name: the files"),
    responses(
        (status = 200, description = "The files written", body = Uploaded),
        (status = 400, description = "`invalid_path`: a folder or file name that leaves the corpus or is hidden", body = ErrorBody),
        (status = 403, description = "`uploads_disabled`: the server was started without --allow-uploads", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: a file over 64 MB or a request over 256 MB", body = ErrorBody),
        (status = 415, description = "`unsupported_format`: a file the corpus does not read; the message lists the formats", body = ErrorBody),
    )
)]
pub(crate) async fn upload(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    QueryPairs(pairs): QueryPairs,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<Uploaded>, ApiError> {
    let corpus = writable_corpus(&state)?;
    let folder = upload_folder(pairs)?;
    let mut form = form.map_err(|rejection| {
        ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("the upload is not a multipart form: {}", rejection.body_text()),
            "send the files as multipart/form-data, each part with its file name (curl -F file=@interview.md)",
        )
    })?;
    let dir = corpus.join(&folder);
    refuse_links(&corpus, &folder)?;
    let mut written = Vec::new();
    let mut total = 0;
    while let Some(mut part) = form.next_field().await.map_err(bad_form)? {
        let Some(name) = part.file_name().map(str::to_string) else {
            continue;
        };
        let rel = upload_target(&folder, &name)?;
        std::fs::create_dir_all(&dir).map_err(|e| cannot_write(&dir, &e))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".upload-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| cannot_write(&dir, &e))?;
        let mut bytes = 0;
        while let Some(chunk) = part.chunk().await.map_err(bad_form)? {
            bytes += chunk.len() as u64;
            total += chunk.len() as u64;
            if bytes > MAX_FILE_BYTES || total > MAX_UPLOAD_BYTES {
                drop(part);
                drain(&mut form).await;
                return Err(too_large(&name, bytes > MAX_FILE_BYTES));
            }
            // A chunk is a few kilobytes: written on this thread, like a buffered socket read.
            tokio::task::block_in_place(|| temp.write_all(&chunk))
                .map_err(|e| cannot_write(temp.path(), &e))?;
        }
        written.push((temp, rel, bytes));
    }
    if written.is_empty() {
        return Err(ApiError::invalid_value(
            "file",
            "the form has no file",
            "send each file as a multipart part with a file name (curl -F file=@interview.md)",
        ));
    }
    // Renamed only once every file has arrived whole: a refused request leaves nothing behind.
    let mut files = Vec::new();
    for (temp, rel, bytes) in written {
        let target = corpus.join(&rel);
        temp.persist(&target)
            .map_err(|e| cannot_write(&target, &e.error))?;
        files.push(UploadedFile {
            path: slash_path(&rel),
            bytes,
        });
    }
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    tracing::info!(key = caller.name(), route = "POST /v1/files", files = ?paths, "files uploaded into the corpus");
    Ok(Json(Uploaded { files }))
}

/// Removes one file from the corpus folder (its path percent-encoded as one segment, e.g.
/// `documents%2Finterview-3.md`); the watcher drops its passages a moment later.
#[utoipa::path(
    delete,
    path = "/v1/files/{path}",
    operation_id = "delete_file",
    tag = "index",
    params(("path" = String, Path, description = "The file's path relative to the corpus, percent-encoded")),
    responses(
        (status = 200, description = "The file removed", body = UploadedFile),
        (status = 400, description = "`invalid_path`: a path that leaves the corpus or is hidden", body = ErrorBody),
        (status = 403, description = "`uploads_disabled`: the server was started without --allow-uploads", body = ErrorBody),
        (status = 404, description = "`not_found`: no such file in the corpus", body = ErrorBody),
    )
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UrlPath(path): UrlPath<String>,
) -> Result<Json<UploadedFile>, ApiError> {
    let corpus = writable_corpus(&state)?;
    let rel = relative_path("path", &path)?;
    if let Some(parent) = rel.parent() {
        refuse_links(&corpus, parent)?;
    }
    let target = corpus.join(&rel);
    let not_found = || {
        ApiError::new(
            ErrorCode::NotFound,
            format!("no file {} in the corpus", slash_path(&rel)),
            "GET /v1/index and GET /v1/documents name the corpus's files",
        )
    };
    let meta = std::fs::symlink_metadata(&target).map_err(|_| not_found())?;
    if !meta.is_file() {
        return Err(not_found());
    }
    std::fs::remove_file(&target).map_err(|e| cannot_write(&target, &e))?;
    tracing::info!(key = caller.name(), route = "DELETE /v1/files", file = %slash_path(&rel), "file removed from the corpus");
    Ok(Json(UploadedFile {
        path: slash_path(&rel),
        bytes: meta.len(),
    }))
}

/// The `folder` parameter, the only one an upload takes, as a path inside the corpus.
fn upload_folder(pairs: Vec<(String, String)>) -> Result<PathBuf, ApiError> {
    let mut folder = PathBuf::new();
    for (name, value) in pairs {
        if name != "folder" {
            return Err(ApiError::invalid_value(
                &name,
                "unknown parameter",
                "an upload takes only `folder`, the folder inside the corpus to write into",
            ));
        }
        folder = relative_path("folder", &value)?;
    }
    Ok(folder)
}

/// The corpus to write into: uploads must be on and the server must have a corpus.
fn writable_corpus(state: &AppState) -> Result<PathBuf, ApiError> {
    if !state.config.allow_uploads {
        return Err(ApiError::new(
            ErrorCode::UploadsDisabled,
            "this server does not take files: it was started without --allow-uploads",
            "copy the files into the corpus folder, or restart the server with --allow-uploads and a write key",
        ));
    }
    state.config.corpus.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::NoCorpus,
            "this server has no corpus directory to write into",
            "start the server with --corpus DIR",
        )
    })
}

/// A path relative to the corpus: no root, no `..` or `.`, no hidden component (the corpus walk
/// skips those), `/` separators only. `""` is the corpus itself.
fn relative_path(field: &str, given: &str) -> Result<PathBuf, ApiError> {
    let refuse = |why: &str| {
        ApiError::new(
            ErrorCode::InvalidPath,
            format!("{field} {given:?}: {why}"),
            "give a path inside the corpus, relative to it, such as documents/interview-3.md",
        )
    };
    if given.contains('\\') || given.contains('\0') {
        return Err(refuse("only / separates folders"));
    }
    let path = Path::new(given);
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(name) if !name.to_string_lossy().starts_with('.') => {
                clean.push(name);
            }
            Component::Normal(_) => return Err(refuse("hidden files and folders are not read")),
            Component::ParentDir => return Err(refuse("`..` would leave the corpus")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse("an absolute path would leave the corpus"));
            }
            Component::CurDir => return Err(refuse("`.` is not needed")),
        }
    }
    Ok(clean)
}

/// The path an uploaded file goes to, refused when its name is not a plain file name or not a
/// format the corpus reads.
fn upload_target(folder: &Path, name: &str) -> Result<PathBuf, ApiError> {
    let file = relative_path("file name", name)?;
    if file.components().count() != 1 {
        return Err(ApiError::new(
            ErrorCode::InvalidPath,
            format!("file name {name:?}: a name, not a path"),
            "name the folder with ?folder=, and each file by its name alone",
        ));
    }
    let rel = folder.join(&file);
    match FileKind::of(&slash_path(&rel)) {
        FileKind::Document(_)
        | FileKind::Jsonl
        | FileKind::Participants
        | FileKind::RoleGroups
        | FileKind::DocumentsSheet
        | FileKind::StopWords => Ok(rel),
        FileKind::Ignored | FileKind::Unsupported => Err(ApiError::new(
            ErrorCode::UnsupportedFormat,
            format!("{name:?} is not a format the corpus reads ({})", formats()),
            "save it as one of those formats (a transcript as .docx, .md or .txt, captions as .vtt or .srt) and send it again",
        )),
    }
}

/// Refuses a folder of the corpus reached through a symbolic link (it could lead outside).
fn refuse_links(corpus: &Path, folder: &Path) -> Result<(), ApiError> {
    let mut at = corpus.to_path_buf();
    for component in folder.components() {
        at.push(component);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(ApiError::new(
                    ErrorCode::InvalidPath,
                    format!("{} is a symbolic link", slash_path(folder)),
                    "write into a real folder of the corpus",
                ));
            }
            Ok(_) => {}
            // Not there yet: created by the upload, so no link further down either.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn too_large(name: &str, file: bool) -> ApiError {
    let what = if file {
        format!(
            "{name:?} is over the {} MB a file may be",
            MAX_FILE_BYTES >> 20
        )
    } else {
        format!(
            "the upload is over the {} MB a request may send",
            MAX_UPLOAD_BYTES >> 20
        )
    };
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        what,
        "send large files one request at a time, or copy them into the corpus folder",
    )
}

/// Reads the rest of a refused form (up to the route's body limit), so the client, still
/// sending, can read the answer instead of seeing its connection closed.
async fn drain(form: &mut Multipart) {
    while let Ok(Some(mut part)) = form.next_field().await {
        while let Ok(Some(_)) = part.chunk().await {}
    }
}

fn bad_form(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return too_large("", false);
    }
    ApiError::invalid_value(
        "body",
        format!("not a readable multipart form ({error})"),
        "send the files as multipart/form-data (curl -F file=@interview.md)",
    )
}

fn cannot_write(path: &Path, error: &std::io::Error) -> ApiError {
    ApiError::internal(format!("cannot write {}: {error}", path.display()))
}

/// Whether a server may take uploads into `corpus`: it needs API keys (writes always need one)
/// and a corpus it can write into. Checked at start-up, so a read-only corpus is refused then
/// rather than at the first upload.
pub fn check_uploads(corpus: &Path, has_keys: bool) -> Result<(), String> {
    if !has_keys {
        return Err(
            "--allow-uploads needs an API key with the write scope: uploads always need one, \
                    even on loopback; set VERBATIM_API_KEY=NAME:write:SECRET (or --api-key, --keys)"
                .into(),
        );
    }
    if !corpus.is_dir() {
        return Err(format!(
            "--allow-uploads needs the corpus folder, and {} is not one: give --corpus DIR",
            corpus.display()
        ));
    }
    tempfile::Builder::new()
        .prefix(".upload-check-")
        .tempfile_in(corpus)
        .map(drop)
        .map_err(|error| {
            format!(
                "--allow-uploads: cannot write into the corpus {} ({error}); it may be on a read-only \
                 file system: make it writable, or start without --allow-uploads",
                corpus.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_corpus() {
        assert_eq!(
            relative_path("p", "documents/a.md").unwrap(),
            PathBuf::from("documents/a.md")
        );
        assert_eq!(relative_path("p", "").unwrap(), PathBuf::new());
        for bad in [
            "../a.md",
            "/etc/passwd",
            "documents/../../a.md",
            ".git/x",
            "a\\b.md",
            "./a.md",
        ] {
            let error = relative_path("p", bad).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidPath, "{bad}");
        }
    }

    #[test]
    fn only_corpus_formats_are_taken() {
        let docs = Path::new("documents");
        assert!(upload_target(docs, "interview.docx").is_ok());
        assert!(upload_target(Path::new(""), "participants.csv").is_ok());
        let error = upload_target(docs, "photo.jpg").unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnsupportedFormat);
        assert_eq!(
            upload_target(docs, "sub/a.md").unwrap_err().code(),
            ErrorCode::InvalidPath
        );
    }
}
