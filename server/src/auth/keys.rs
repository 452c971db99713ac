//! API keys: named, scoped, and kept only as SHA-256 digests.
//!
//! A key is given as `NAME:SCOPE:SECRET` (`--api-key`, repeatable), as a bare secret (the single
//! `VERBATIM_API_KEY` of older set-ups: an `admin` key named `default`), or in a keys file that
//! stores each secret's SHA-256 digest, so the file alone does not give the secrets away. A
//! presented key is hashed and compared with every key's digest in constant time.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a key may do. Each scope includes the ones before it: a `write` key also reads, an
/// `admin` key does everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Search, documents, participants, comparisons and their exports.
    Read,
    /// Changing what is served: rebuilding the index today; sets, uploads and deletions next.
    Write,
    /// Everything.
    Admin,
}

impl Scope {
    /// Every scope, weakest first.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    /// The scope's name, as keys and the OpenAPI document spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SHA-256 digest of a secret.
type SecretDigest = [u8; 32];

fn digest(secret: &str) -> SecretDigest {
    Sha256::digest(secret.as_bytes()).into()
}

/// One key: its name (for the logs), its scope and its secret's digest. `Debug` shows the name
/// and scope only, so a key can never reach a log.
#[derive(Clone)]
pub struct ApiKey {
    name: String,
    scope: Scope,
    digest: SecretDigest,
}

/// The name of the key a bare secret (`VERBATIM_API_KEY=SECRET`) makes.
pub const DEFAULT_KEY_NAME: &str = "default";

impl ApiKey {
    /// A key named `name` with `scope` and the secret `secret`.
    pub fn new(name: &str, scope: Scope, secret: &str) -> ApiKey {
        ApiKey {
            name: name.to_string(),
            scope,
            digest: digest(secret),
        }
    }

    /// The `admin` key named [`DEFAULT_KEY_NAME`] a bare secret makes, or `None` when `secret` is
    /// blank (an unset environment variable often arrives as `""`, and an empty key must not
    /// count as protection).
    pub fn admin(secret: &str) -> Option<ApiKey> {
        let secret = secret.trim();
        (!secret.is_empty()).then(|| ApiKey::new(DEFAULT_KEY_NAME, Scope::Admin, secret))
    }

    /// A key as `--api-key` takes it: `NAME:SCOPE:SECRET`, or a secret without a colon (an
    /// `admin` key named `default`). `None` for a blank value.
    pub fn from_flag(value: &str) -> Result<Option<ApiKey>, String> {
        let value = value.trim();
        let Some((name, rest)) = value.split_once(':') else {
            return Ok(ApiKey::admin(value));
        };
        let Some((scope, secret)) = rest.split_once(':') else {
            return Err(format!(
                "--api-key {name}:...: give NAME:SCOPE:SECRET (SCOPE is read, write or admin), \
                 or a secret without colons for one admin key"
            ));
        };
        let scope = Scope::parse(scope).ok_or_else(|| {
            format!("--api-key {name}:{scope}:...: the scope must be read, write or admin")
        })?;
        check_name(name).map_err(|reason| format!("--api-key {name}:...: {reason}"))?;
        if secret.trim().is_empty() {
            return Err(format!("--api-key {name}:{scope}: the secret is empty"));
        }
        Ok(Some(ApiKey::new(name, scope, secret)))
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's scope.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    fn matches(&self, presented: &SecretDigest) -> bool {
        self.digest.ct_eq(presented).into()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}, {}, <hidden>)", self.name, self.scope)
    }
}

fn check_name(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@');
    if name.is_empty() || !name.chars().all(allowed) {
        return Err("a key's name is letters, digits and - _ . @".into());
    }
    Ok(())
}

/// The server's keys; empty when it runs without any (loopback only).
#[derive(Debug, Clone, Default)]
pub struct Keys(Vec<ApiKey>);

impl Keys {
    /// The keys, refused when two share a name (the logs would not tell them apart).
    pub fn new(keys: Vec<ApiKey>) -> Result<Keys, String> {
        for (at, key) in keys.iter().enumerate() {
            if keys[..at].iter().any(|other| other.name == key.name) {
                return Err(format!(
                    "two API keys are named {:?}: give each key a name of its own",
                    key.name
                ));
            }
        }
        Ok(Keys(keys))
    }

    /// Whether the server has no key at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key whose secret is `presented`. Every key is compared, each in constant time, so
    /// the time taken does not say how close a guess was.
    pub fn find(&self, presented: &str) -> Option<&ApiKey> {
        let presented = digest(presented);
        self.0.iter().fold(None, |found, key| {
            found.or(key.matches(&presented).then_some(key))
        })
    }

    /// Adds the keys of the keys file `file`, refused when other users of the machine could
    /// read or change it (the digests let anyone test guesses offline).
    pub fn with_file(self, file: &Path) -> Result<Keys, String> {
        let text = read_private_file(file)?;
        self.with_file_text(file, &text)
    }

    /// Adds the keys of a keys file's text (`[[key]]` tables of `name`, `scope` and `sha256`);
    /// errors name `file` and the line.
    pub fn with_file_text(mut self, file: &Path, text: &str) -> Result<Keys, String> {
        let parsed: KeysFile = toml::from_str(text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text[..span.start].lines().count().max(1));
            let at = line.map_or(String::new(), |line| format!(", line {line}"));
            format!("{}{at}: {}", file.display(), error.message())
        })?;
        for entry in parsed.key {
            let name = &entry.name;
            check_name(name)
                .map_err(|reason| format!("{}: key {name:?}: {reason}", file.display()))?;
            let digest = parse_digest(&entry.sha256).ok_or_else(|| {
                format!(
                    "{}: key {name:?}: sha256 must be 64 hexadecimal digits: \
                     write it with `printf %s SECRET | sha256sum`",
                    file.display()
                )
            })?;
            self.0.push(ApiKey {
                name: entry.name,
                scope: entry.scope,
                digest,
            });
        }
        Keys::new(self.0)
    }
}

/// A keys file: `[[key]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    key: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    name: String,
    scope: Scope,
    sha256: String,
}

/// The text of `file`, or an error when its group or others have any access to it.
fn read_private_file(file: &Path) -> Result<String, String> {
    let cannot =
        |error: std::io::Error| format!("cannot read the keys file {}: {error}", file.display());
    let metadata = std::fs::metadata(file).map_err(cannot)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "the keys file {} can be read by other users of this machine (mode {mode:04o}): \
                 run `chmod 600 {}` and start the server again",
                file.display(),
                file.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    std::fs::read_to_string(file).map_err(cannot)
}

fn parse_digest(hex: &str) -> Option<SecretDigest> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    for (byte, pair) in digest.iter_mut().zip(hex.chunks(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    Some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "keys.toml";

    #[test]
    fn blank_keys_are_no_keys() {
        assert!(ApiKey::admin("").is_none());
        assert!(ApiKey::admin("  ").is_none());
        assert_eq!(ApiKey::from_flag("").map(|key| key.is_none()), Ok(true));
        let key = ApiKey::admin("s3cret").expect("a key");
        assert_eq!((key.name(), key.scope()), (DEFAULT_KEY_NAME, Scope::Admin));
    }

    #[test]
    fn flags_name_a_key_and_its_scope() {
        let key = ApiKey::from_flag("alice:read:a:b:c").unwrap().unwrap();
        assert_eq!((key.name(), key.scope()), ("alice", Scope::Read));
        let keys = Keys::new(vec![key]).unwrap();
        assert!(keys.find("a:b:c").is_some(), "the secret may hold colons");
        for (flag, needle) in [
            ("alice:reader:x", "read, write or admin"),
            ("alice:read:", "empty"),
            ("alice:x", "NAME:SCOPE:SECRET"),
            ("al ice:read:x", "letters"),
        ] {
            let error = ApiKey::from_flag(flag).unwrap_err();
            assert!(error.contains(needle), "{flag}: {error}");
        }
    }

    #[test]
    fn keys_compare_exactly_and_stay_out_of_logs() {
        let keys = Keys::new(vec![
            ApiKey::new("reader", Scope::Read, "r3ad"),
            ApiKey::new("owner", Scope::Admin, "s3cret"),
        ])
        .unwrap();
        assert_eq!(keys.find("s3cret").map(ApiKey::name), Some("owner"));
        assert_eq!(keys.find("r3ad").map(ApiKey::name), Some("reader"));
        for wrong in ["s3cre", "s3cret!", "S3CRET", ""] {
            assert!(keys.find(wrong).is_none(), "{wrong}");
        }
        let shown = format!("{keys:?}");
        assert!(
            !shown.contains("s3cret") && shown.contains("owner"),
            "{shown}"
        );
    }

    #[test]
    fn scopes_include_the_weaker_ones() {
        assert!(Scope::Admin >= Scope::Write && Scope::Write >= Scope::Read);
        assert!(Scope::Read < Scope::Write);
    }

    #[test]
    fn duplicate_names_are_refused() {
        let twice = vec![
            ApiKey::new("a", Scope::Read, "x"),
            ApiKey::new("a", Scope::Write, "y"),
        ];
        assert!(Keys::new(twice).unwrap_err().contains("\"a\""));
    }

    #[test]
    fn keys_files_hold_digests_and_errors_name_the_line() {
        // The digest as `printf %s s3cret | sha256sum` writes it, in capitals to show case is free.
        let hex: String = digest("s3cret")
            .iter()
            .map(|byte| format!("{byte:02X}"))
            .collect();
        let text = format!("[[key]]\nname = \"owner\"\nscope = \"admin\"\nsha256 = \"{hex}\"\n");
        let keys = Keys::default()
            .with_file_text(Path::new(FILE), &text)
            .unwrap();
        assert_eq!(keys.find("s3cret").map(ApiKey::scope), Some(Scope::Admin));
        let bad_scope = "[[key]]\nname = \"x\"\nscope = \"root\"\nsha256 = \"00\"\n";
        let error = Keys::default()
            .with_file_text(Path::new(FILE), bad_scope)
            .unwrap_err();
        assert!(error.starts_with("keys.toml, line 3:"), "{error}");
        let short = "[[key]]\nname = \"x\"\nscope = \"read\"\nsha256 = \"00\"\n";
        let error = Keys::default()
            .with_file_text(Path::new(FILE), short)
            .unwrap_err();
        assert!(error.contains("64 hexadecimal digits"), "{error}");
        let unknown = "[[key]]\nname = \"x\"\nscope = \"read\"\nsecret = \"plain\"\n";
        let error = Keys::default()
            .with_file_text(Path::new(FILE), unknown)
            .unwrap_err();
        assert!(error.contains("secret"), "{error}");
    }
}
