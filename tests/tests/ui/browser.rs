//! A small driver for Debian's headless Chromium over the DevTools protocol (CDP), enough to
//! load a page, type, press keys, run JavaScript, record the page's network requests and take
//! screenshots.
//!
//! A few hundred lines over a plain WebSocket instead of a CDP crate: the generated protocol
//! bindings of those crates take minutes to compile, and some of them download a browser. This
//! one never downloads anything: it runs Debian's `/usr/bin/chromium`, installs that package
//! when the tests run as root, or fails saying how to install it.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use tempfile::TempDir;
use tungstenite::{Message, WebSocket};
use verbatim_tests::{ListeningChild, PATIENCE, poll};

/// Where Debian's `chromium` package puts the browser.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Installs Debian's `chromium` package once per test run when it is missing and the tests run
/// as root with apt-get at hand, so `cargo test --workspace` works on a fresh machine: the one
/// place the browser is installed. Elsewhere the caller's assertion says how to install it.
fn install_chromium_if_missing() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if Path::new(CHROMIUM).is_file() || !Path::new("/usr/bin/apt-get").is_file() {
            return;
        }
        let uid = Command::new("id").arg("-u").output();
        if !uid.is_ok_and(|out| out.stdout.trim_ascii() == b"0") {
            return;
        }
        eprintln!("installing Debian's chromium package for the search page tests");
        for args in [
            &["update", "-qq"][..],
            &[
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "chromium",
            ][..],
        ] {
            let status = Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
            if !status.is_ok_and(|s| s.success()) {
                return;
            }
        }
    });
}

/// A key the tests press.
#[derive(Clone, Copy, Debug)]
pub enum Key {
    Enter,
    Space,
    Tab,
    ArrowDown,
}

impl Key {
    /// The DevTools names of the key: its `key`, its `code`, its Windows key code and the text it
    /// types.
    fn codes(self) -> (&'static str, &'static str, u8, &'static str) {
        match self {
            Key::Enter => ("Enter", "Enter", 13, "\r"),
            Key::Space => (" ", "Space", 32, " "),
            Key::Tab => ("Tab", "Tab", 9, ""),
            Key::ArrowDown => ("ArrowDown", "ArrowDown", 40, ""),
        }
    }
}

/// The colour scheme a page is asked for, as the operating system's light or dark setting would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorScheme {
    Light,
    Dark,
}

impl ColorScheme {
    fn media_value(self) -> &'static str {
        match self {
            ColorScheme::Light => "light",
            ColorScheme::Dark => "dark",
        }
    }
}

/// What Chromium answers to an evaluation in a document that a navigation replaced.
const NAVIGATED: &str = "Inspected target navigated or closed";

/// A headless Chromium with one page (tab) attached; killed on drop.
pub struct Browser {
    socket: WebSocket<TcpStream>,
    // Dropped after the socket: the browser outlives the connection to it.
    _chromium: ListeningChild,
    session: String,
    next_id: u64,
    events: Vec<Value>,
    /// Chromium's profile, screenshots, and downloads in a `downloads` folder; the last field, so
    /// it is removed after Chromium has stopped.
    dir: TempDir,
}

impl Browser {
    /// Starts Chromium with a fresh profile and a `width`×`height` viewport, in a temp dir of
    /// its own where screenshots and downloads go too (removed with the browser).
    pub fn launch(width: u32, height: u32) -> Browser {
        install_chromium_if_missing();
        assert!(
            Path::new(CHROMIUM).is_file(),
            "{CHROMIUM} is missing: install Debian's browser with \
             `apt-get install --no-install-recommends chromium`, or run the tests as root"
        );
        let dir = tempfile::tempdir().expect("a temp dir for the browser");
        let profile = dir.path().join("chromium-profile");
        let mut command = Command::new(CHROMIUM);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                // Without these, Chromium calls Google's servers, which the test machines refuse.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--metrics-recording-only",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={width},{height}"))
            .arg("about:blank")
            // Chromium's own temp files go with the test's dir instead of piling up in /tmp.
            .env("TMPDIR", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let chromium = ListeningChild::start(&mut command)
            .unwrap_or_else(|e| panic!("cannot start {CHROMIUM}: {e}"));
        let socket = connect(chromium.address());
        let mut browser = Browser {
            socket,
            _chromium: chromium,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            dir,
        };
        let target = browser.send(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].clone();
        let attached = browser.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("Target.attachToTarget returns a sessionId")
            .to_string();
        for domain in [
            "Page.enable",
            "Network.enable",
            "Runtime.enable",
            "Log.enable",
        ] {
            browser.call(domain, json!({}));
        }
        browser.resize(width, height);
        browser
    }

    /// Saves downloads (exports) under the names the page suggests, in a `downloads` folder of
    /// the test's dir, and reports their progress (see [`Browser::downloaded`]).
    pub fn allow_downloads(&mut self) {
        let dir = self.dir.path().join("downloads");
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        self.send(
            None,
            "Browser.setDownloadBehavior",
            json!({"behavior": "allow", "downloadPath": dir.display().to_string(), "eventsEnabled": true}),
        );
    }

    /// Waits until the download the page named `name` has finished and returns its bytes.
    pub fn downloaded(&mut self, name: &str) -> Vec<u8> {
        let finished = poll(|| {
            self.drain_events();
            let guids: Vec<&Value> = self
                .events_named("Browser.downloadWillBegin")
                .filter(|params| params["suggestedFilename"] == name)
                .map(|params| &params["guid"])
                .collect();
            self.events_named("Browser.downloadProgress")
                .any(|params| params["state"] == "completed" && guids.contains(&&params["guid"]))
                .then_some(())
        });
        assert!(
            finished.is_some(),
            "waited {PATIENCE:?} for {name} to be downloaded"
        );
        let path = self.dir.path().join("downloads").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Emulates a viewport of `width`×`height` CSS pixels (a laptop, a phone).
    pub fn resize(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700}),
        );
    }

    /// Emulates a `width`×`height` window zoomed to `factor` (2 for 200%): the page lays out in
    /// a viewport `factor` times narrower and shorter, drawn with `factor` device pixels per CSS
    /// pixel, as a browser's zoom does.
    pub fn zoom(&mut self, width: u32, height: u32, factor: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width / factor, "height": height / factor, "deviceScaleFactor": factor, "mobile": false}),
        );
    }

    /// Loads `url` and waits until the document and its scripts are loaded.
    pub fn navigate(&mut self, url: &str) {
        let answer = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = answer["errorText"].as_str() {
            panic!("cannot load {url}: {error}");
        }
        self.wait_until(
            &format!("{url} to finish loading"),
            "document.readyState === 'complete'",
        );
    }

    /// Runs `expression` in the page (awaiting it if it is a promise) and returns its value as
    /// JSON; panics with the page's error message when it throws.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.eval_unless_navigating(expression)
            .unwrap_or_else(|| panic!("the page navigated away while `{expression}` ran"))
    }

    /// [`Browser::eval`], or `None` when the page navigated (or reloaded) while the expression
    /// ran: its document is gone, and a poll asks the next one.
    fn eval_unless_navigating(&mut self, expression: &str) -> Option<Value> {
        let session = self.session.clone();
        let answer = match self.try_send(
            Some(&session),
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        ) {
            Ok(answer) => answer,
            Err(error) if error.to_string().contains(NAVIGATED) => return None,
            Err(error) => panic!("Chromium refused Runtime.evaluate: {error}"),
        };
        if let Some(exception) = answer.get("exceptionDetails") {
            panic!("the page threw on `{expression}`: {exception:#}");
        }
        Some(answer["result"]["value"].clone())
    }

    /// Polls `expression` until it is truthy and returns its value; when it never is, saves a
    /// screenshot and panics saying what was awaited.
    pub fn wait_until(&mut self, what: &str, expression: &str) -> Value {
        let value = poll(|| {
            let value = self.eval_unless_navigating(expression)?;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!(0)
                && value != json!("");
            truthy.then_some(value)
        });
        value.unwrap_or_else(|| {
            let shot = self.screenshot("hung");
            panic!(
                "waited {PATIENCE:?} for {what} (`{expression}`); the page is in {}",
                shot.display()
            )
        })
    }

    /// Returns once a timer of `delay` milliseconds (a JavaScript expression), set in the page
    /// now, has fired. Timers fire in order, so by then every timer the page had set for the
    /// same delay or less has run: this waits for the page's own events, not for a set time.
    pub fn after_page_timer(&mut self, delay: &str) {
        self.eval(&format!(
            "new Promise((fired) => setTimeout(() => fired(true), {delay}))"
        ));
    }

    /// Types `text` into the focused element, as a keyboard or a finished input-method word would.
    pub fn insert_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// Shows `text` as an unfinished input-method composition (pinyin being turned into 汉字).
    pub fn compose(&mut self, text: &str) {
        let end = text.chars().count();
        self.call(
            "Input.imeSetComposition",
            json!({"text": text, "selectionStart": end, "selectionEnd": end}),
        );
    }

    /// Presses and releases `key`, as a keyboard does.
    pub fn press(&mut self, key: Key) {
        self.dispatch_key(key, 0);
    }

    /// Presses `key` with Shift held (Shift+Tab moves the focus backwards).
    pub fn press_shifted(&mut self, key: Key) {
        const SHIFT: u8 = 8;
        self.dispatch_key(key, SHIFT);
    }

    fn dispatch_key(&mut self, key: Key, modifiers: u8) {
        let (name, code, key_code, text) = key.codes();
        // Like a real keyboard: a key that types something sends `keyDown` with its text, one that
        // does not (Tab) a raw key-down the page sees without any text input.
        let mut down = json!({
            "type": if text.is_empty() { "rawKeyDown" } else { "keyDown" },
            "key": name, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers,
        });
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down);
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": name, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers}),
        );
    }

    /// Makes the page see `prefers-color-scheme: scheme` (the dark theme's colours, say).
    pub fn emulate_color_scheme(&mut self, scheme: ColorScheme) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme.media_value()}]}),
        );
    }

    /// Lets the page at `origin` write and read the clipboard without asking, and keeps the page
    /// focused as a visible tab would be (the clipboard API refuses pages without focus).
    pub fn grant_clipboard(&mut self, origin: &str) {
        self.send(
            None,
            "Browser.grantPermissions",
            json!({"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
        );
        self.call(
            "Emulation.setFocusEmulationEnabled",
            json!({"enabled": true}),
        );
    }

    /// The accessible name of the focused element, as Chromium gives it to screen readers.
    pub fn focused_accessible_name(&mut self) -> String {
        let focused = self.call(
            "Runtime.evaluate",
            json!({"expression": "document.activeElement"}),
        );
        let object_id = focused["result"]["objectId"].clone();
        let tree = self.call(
            "Accessibility.getPartialAXTree",
            json!({"objectId": object_id, "fetchRelatives": false}),
        );
        tree["nodes"][0]["name"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("the focused element has no accessible name: {tree:#}"))
            .to_string()
    }

    /// Saves a PNG of the viewport as `<dir>/<name>.png` and returns its path.
    pub fn screenshot(&mut self, name: &str) -> PathBuf {
        let answer = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let data = answer["data"]
            .as_str()
            .expect("Page.captureScreenshot returns base64 data");
        let path = self.dir.path().join(format!("{name}.png"));
        let png = BASE64
            .decode(data)
            .unwrap_or_else(|e| panic!("Chromium sent a screenshot that is not base64: {e}"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Every URL the page has requested so far (documents, scripts, fetches, icons...).
    pub fn requested_urls(&mut self) -> Vec<String> {
        self.drain_events();
        self.events_named("Network.requestWillBeSent")
            .map(|params| params["request"]["url"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// Uncaught JavaScript errors, console errors and browser-reported errors (a CSP violation
    /// is one) so far.
    pub fn page_errors(&mut self) -> Vec<String> {
        self.drain_events();
        let thrown = self
            .events_named("Runtime.exceptionThrown")
            .map(|params| params["exceptionDetails"].to_string());
        let logged = self
            .events_named("Runtime.consoleAPICalled")
            .filter(|params| params["type"] == "error")
            .map(|params| params["args"].to_string());
        // Network entries are HTTP error statuses, which the page expects and shows (a bad query).
        let reported = self
            .events_named("Log.entryAdded")
            .filter(|params| {
                params["entry"]["level"] == "error" && params["entry"]["source"] != "network"
            })
            .map(|params| params["entry"].to_string());
        thrown.chain(logged).chain(reported).collect()
    }

    fn events_named<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.events
            .iter()
            .filter(move |event| event["method"] == method)
            .map(|event| &event["params"])
    }

    /// A command to the page.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
    }

    /// Sends a command and reads messages until its answer, keeping the events that come first.
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.try_send(session, method, params)
            .unwrap_or_else(|error| panic!("Chromium refused {method}: {error}"))
    }

    /// [`Browser::send`], with Chromium's refusal as the error.
    fn try_send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(command.to_string()))
            .unwrap_or_else(|e| panic!("cannot send {method} to Chromium: {e}"));
        loop {
            let message = self.read_message(method);
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    return Err(error.clone());
                }
                return Ok(message["result"].clone());
            }
            if message.get("method").is_some() {
                self.events.push(message);
            }
        }
    }

    /// Collects the events already sent, without waiting for more.
    fn drain_events(&mut self) {
        // A command that does nothing, so its answer marks the end of what was sent before it.
        self.call("Runtime.evaluate", json!({"expression": "0"}));
    }

    fn read_message(&mut self, method: &str) -> Value {
        loop {
            let message = self.socket.read().unwrap_or_else(|e| {
                panic!("no answer from Chromium to {method} within {PATIENCE:?}: {e}")
            });
            if let Message::Text(text) = message {
                return serde_json::from_str(text.as_str())
                    .unwrap_or_else(|e| panic!("Chromium sent something that is not JSON: {e}"));
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.socket.close(None);
    }
}

fn connect(endpoint: &str) -> WebSocket<TcpStream> {
    let address = endpoint
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("unexpected DevTools address {endpoint}"));
    let stream = TcpStream::connect(address)
        .unwrap_or_else(|e| panic!("cannot connect to Chromium at {address}: {e}"));
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    let (socket, _) = tungstenite::client(endpoint, stream)
        .unwrap_or_else(|e| panic!("WebSocket handshake with Chromium at {endpoint} failed: {e}"));
    socket
}
