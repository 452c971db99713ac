//! Access control over every route the router has (listed from `server::routes::routes()`, so a
//! route added later is covered without editing this test): with a key, each `/v1` route refuses
//! a missing or wrong key with a JSON 401 and accepts the right one; the rest stay open. (Scopes,
//! the lock-out after wrong keys and the cross-site checks are `security`'s tests.) An
//! off-loopback bind without a key is refused, however the address is given.

use axum::http::Method;
use verbatim_tests::{Binary, ErrorCode, HttpApi, Reply, TestServer, corpus_dir, server_command};

use super::assert_error_shape;

const KEY: &str = "k3y-for-tests";
const DOC: &str = "mcdermott-2019-integrated-care";

/// A concrete request path for a route pattern: `{id}` a real document, `{n}` its first passage,
/// `{field}` a facet; any other parameter gets a placeholder (the key check comes first anyway).
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            "{id}" => DOC,
            "{n}" => "1",
            "{field}" => "role",
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn send(server: &TestServer, method: &Method, path: &str, bearer: Option<&str>) -> Reply {
    let body = (method == Method::POST).then(|| verbatim_tests::sample_body(path));
    server.request(method.as_str(), path, bearer, body)
}

/// A server with the key `KEY` that may rebuild its index, so that every route, the rebuild
/// too, answers 200 with the key.
fn keyed_server() -> TestServer {
    let keys = server::Keys::new(server::ApiKey::admin(KEY).into_iter().collect()).expect("a key");
    TestServer::rebuildable(server::Config {
        keys,
        ..server::Config::default()
    })
}

#[test]
fn every_v1_route_needs_the_key_and_the_rest_stay_open() {
    let routes = server::routes::routes();
    let protected: Vec<_> = routes
        .iter()
        .filter(|(_, p)| p.starts_with("/v1/"))
        .collect();
    assert!(
        protected.len() >= 8,
        "the router lists its /v1 routes: {routes:?}"
    );
    let wrong_keys = [
        "",
        "wrong",
        &KEY[..KEY.len() - 1],
        &format!("{KEY}x"),
        &KEY.to_uppercase(),
    ];
    for (method, pattern) in &routes {
        // A server per route: ten wrong keys from one address would lock the client out.
        let server = keyed_server();
        let path = concrete(pattern);
        let what = format!("{method} {path}");
        if !pattern.starts_with("/v1/") {
            let reply = send(&server, method, &path, None);
            assert_ne!(reply.status, 401, "{what} is open: {}", reply.body);
            continue;
        }
        let missing = send(&server, method, &path, None);
        assert_eq!(
            missing.status, 401,
            "{what} without a key: {}",
            missing.body
        );
        assert_eq!(
            missing.error_code(),
            Some(ErrorCode::MissingApiKey),
            "{what}"
        );
        assert_error_shape(&missing, &what);
        for wrong in wrong_keys {
            let reply = send(&server, method, &path, Some(wrong));
            assert_eq!(
                reply.status, 401,
                "{what} with key {wrong:?}: {}",
                reply.body
            );
            assert_error_shape(&reply, &what);
        }
        let other_scheme = server.request(
            method.as_str(),
            &format!("{path}?api_key={KEY}"),
            None,
            (method == Method::POST).then_some("{}"),
        );
        assert_eq!(
            other_scheme.status, 401,
            "{what}: a key in the URL is not accepted"
        );
        let right = send(&server, method, &path, Some(KEY));
        if verbatim_tests::needs_earlier_requests(pattern) {
            assert_ne!(right.status, 401, "{what} with the key: {}", right.body);
            continue;
        }
        // Files are added and removed only on a server started with --allow-uploads.
        let expected = if pattern.starts_with("/v1/files") {
            403
        } else {
            200
        };
        assert_eq!(
            right.status, expected,
            "{what} with the key: {}",
            right.body
        );
    }
    // Unknown paths under /v1 do not reveal whether they exist before the key is checked.
    let unknown = keyed_server().get("/v1/does-not-exist");
    assert!(matches!(unknown.status, 401 | 404), "{}", unknown.body);
    eprintln!(
        "access: {} routes, {} behind the key, each refused without it and with {} wrong keys",
        routes.len(),
        protected.len(),
        wrong_keys.len()
    );
}

/// An environment variable set for one run: name and value.
type EnvVar = (&'static str, &'static str);

#[test]
fn off_loopback_binds_without_a_key_are_refused_however_given() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index_dir = dir.path().join("index");
    let attempts: [(&[&str], Option<EnvVar>); 4] = [
        (&["--bind", "[::]:0"], None),
        (&["--bind", "10.1.2.3:0"], None),
        (&[], Some(("VERBATIM_BIND", "0.0.0.0:0"))),
        (&["--bind", "0.0.0.0:0", "--api-key", ""], None),
    ];
    for (args, env) in attempts {
        let mut command = server_command(&Binary::Server.path(), &index_dir, &corpus_dir());
        command.args(args);
        if let Some((name, value)) = env {
            command.env(name, value);
        }
        let output = command.output().expect("run verbatim-server");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(
            stderr.contains("refusing to listen on") && stderr.contains("VERBATIM_API_KEY"),
            "{args:?} {env:?}: {stderr}"
        );
        assert!(!index_dir.exists(), "refused before indexing anything");
    }
}
