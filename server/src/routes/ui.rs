//! The search page at `/`: one HTML page, its script, stylesheet and icon, embedded in the binary.
//!
//! The page is public (it holds no data); it calls the `/v1` API from the browser and asks for
//! the API key when the API answers 401. Every asset is served from this origin under a strict
//! Content-Security-Policy, so the page works offline or behind a hospital firewall and cannot
//! load or send anything elsewhere.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// Only this origin may serve scripts, styles, images and API answers; nothing may frame the page.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'; object-src 'none'";

/// An embedded file and the content type it is served with.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// One of the page's scripts: an ES module under `/assets/`.
macro_rules! script {
    ($name:literal) => {
        Asset {
            path: concat!("/assets/", $name),
            content_type: "text/javascript; charset=utf-8",
            body: include_str!(concat!("../../assets/", $name)),
        }
    };
}

static ASSETS: [Asset; 19] = [
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../../assets/index.html"),
    },
    script!("app.js"),
    script!("api.js"),
    script!("dom.js"),
    script!("state.js"),
    script!("labels.js"),
    script!("participants.js"),
    script!("facets.js"),
    script!("exports.js"),
    script!("quotes.js"),
    script!("kwic.js"),
    script!("collocates.js"),
    script!("crosstab.js"),
    script!("keyness.js"),
    script!("verify.js"),
    script!("notice.js"),
    script!("upload.js"),
    Asset {
        path: "/assets/style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/style.css"),
    },
    Asset {
        path: "/assets/favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../../assets/favicon.svg"),
    },
];

/// The page's routes; they sit outside the API-key layer and outside the OpenAPI document.
pub(crate) fn router() -> Router<AppState> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(asset.path, get(move || async move { serve(asset) }))
    })
}

fn serve(asset: &'static Asset) -> Response {
    let headers: [(HeaderName, HeaderValue); 5] = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        // Search terms are in the page's URL: do not pass it on to any link target.
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        // Revalidate each time, so a browser never runs a script older than the server it talks to.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    (headers, asset.body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_served(path: &str) -> bool {
        ASSETS.iter().any(|asset| asset.path == path)
    }

    #[test]
    fn every_asset_the_page_links_is_served() {
        let page = ASSETS[0].body;
        let linked: Vec<&str> = page
            .split("\"/assets/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(
            linked.len() >= 3,
            "index.html links its script, stylesheet and icon: {linked:?}"
        );
        for name in linked {
            let path = format!("/assets/{name}");
            assert!(
                is_served(&path),
                "index.html links {path}, which is not served"
            );
        }
    }

    #[test]
    fn every_module_a_script_imports_is_served() {
        for script in ASSETS.iter().filter(|asset| asset.path.ends_with(".js")) {
            let imported = script
                .body
                .split(" from \"./")
                .skip(1)
                .filter_map(|rest| rest.split('"').next());
            for name in imported {
                let path = format!("/assets/{name}");
                assert!(
                    is_served(&path),
                    "{} imports {path}, which is not served",
                    script.path
                );
            }
        }
    }

    #[test]
    fn every_script_served_is_imported() {
        let scripts = ASSETS.iter().filter(|asset| asset.path.ends_with(".js"));
        for script in scripts {
            let name = script.path.trim_start_matches("/assets/");
            let imported = ASSETS
                .iter()
                .any(|asset| asset.body.contains(&format!("\"./{name}\"")));
            let linked = ASSETS[0].body.contains(&format!("\"{}\"", script.path));
            assert!(
                imported || linked,
                "{} is served but nothing loads it",
                script.path
            );
        }
    }

    #[test]
    fn the_page_has_no_inline_script_or_style_the_policy_would_block() {
        let page = ASSETS[0].body;
        assert!(!page.contains("<script>"), "inline <script> in index.html");
        assert!(!page.contains("<style"), "inline <style> in index.html");
        assert!(
            !page.contains(" style=\""),
            "inline style attribute in index.html"
        );
        assert!(!page.contains(" onclick="), "inline handler in index.html");
    }
}
