//! A real browser on the built site: headless Chromium driven over WebDriver (chromedriver). A tiny
//! client over std's TcpStream speaks the few WebDriver commands the tests need. Skipped with a message
//! where Chromium or chromedriver is absent, unless `DOSSIER_REQUIRE_BROWSER` is set (CI sets it).

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A chromedriver process and one headless Chromium session.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // Read the head, then exactly Content-Length bytes: chromedriver keeps the connection open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break raw
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(raw.len(), |p| p + 4);
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while raw.len() < head_end + length {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let response = String::from_utf8_lossy(&raw[head_end..]).into_owned();
    let json = response.trim();
    let json = if json.is_empty() { "null" } else { json };
    Ok(serde_json::from_str(json).unwrap_or(Value::Null))
}

impl Browser {
    /// Starts chromedriver and a headless session, or `None` (after saying why) when either is missing.
    pub fn start() -> Option<Browser> {
        let driver_ok = Command::new("chromedriver")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        let chrome = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|c| {
                Command::new(c)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            });
        let (true, Some(chrome)) = (driver_ok, chrome) else {
            assert!(
                std::env::var_os("DOSSIER_REQUIRE_BROWSER").is_none(),
                "DOSSIER_REQUIRE_BROWSER is set but chromium/chromedriver are not installed"
            );
            eprintln!("SKIPPED: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
            return None;
        };
        let chrome_path = which(chrome).unwrap_or_else(|| chrome.to_string());
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let start = Instant::now();
        while let Err(e) = http(port, "GET", "/status", None) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start: {e}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chrome_path,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,900",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let created = http(port, "POST", "/session", Some(&caps)).unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .to_string();
        Some(Browser {
            driver,
            port,
            session,
            _profile: profile,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let v = http(self.port, method, path, body).unwrap();
        v["value"].clone()
    }

    fn session(&self, method: &str, rest: &str, body: Value) -> Value {
        let body = (method == "POST").then_some(body);
        self.call(
            method,
            &format!("/session/{}{rest}", self.session),
            body.as_ref(),
        )
    }

    pub fn open(&self, url: &str) {
        self.session("POST", "/url", json!({"url": url}));
    }

    pub fn url(&self) -> String {
        self.session("GET", "/url", Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs a script in the page and returns its value.
    pub fn eval(&self, script: &str) -> Value {
        self.session(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    /// Types keys into the focused element (WebDriver key codes for Enter etc.).
    pub fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.session(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// Moves the mouse onto the first element matching a CSS selector.
    pub fn hover(&self, selector: &str) {
        let found = self.session(
            "POST",
            "/element",
            json!({"using": "css selector", "value": selector}),
        );
        const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
        let id = found
            .get(ELEMENT)
            .unwrap_or_else(|| panic!("no element {selector}: {found}"))
            .clone();
        self.session(
            "POST",
            "/actions",
            json!({"actions": [{
                "type": "pointer",
                "id": "mouse",
                "parameters": {"pointerType": "mouse"},
                "actions": [{"type": "pointerMove", "duration": 0, "origin": {ELEMENT: id}, "x": 0, "y": 0}]
            }]}),
        );
    }

    /// Waits until `script` returns something truthy, returning it.
    pub fn wait_for(&self, script: &str, what: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(script);
            let truthy = !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0));
            if truthy {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn which(cmd: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(cmd))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}
