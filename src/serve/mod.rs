//! The preview server of `encyc watch`: serves the output folder on loopback, injects the
//! live-reload script into HTML as it is served (published files never contain it), and
//! tells open pages over server-sent events when a rebuild finished or failed.

mod path;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::watch;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;

const EVENTS_PATH: &str = "/__encyc/events";
const SCRIPT_PATH: &str = "/__encyc/live.js";
const LIVE_JS: &str = include_str!("live.js");

/// What open pages are told: the number of the last successful build, and the error of the
/// last build if it failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Status {
    pub(crate) generation: u64,
    pub(crate) error: Option<String>,
}

/// A running preview server.
#[derive(Debug)]
pub(crate) struct Preview {
    pub(crate) address: SocketAddr,
    status: watch::Sender<Status>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Preview {
    /// Tells every open page about a build.
    pub(crate) fn publish(&self, status: Status) {
        self.status.send_replace(status);
    }

    /// Stops serving and waits for the server to finish.
    pub(crate) fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct AppState {
    root: PathBuf,
    /// The site's `base_path` (`/` or `/sub/`): requests under it are served from the root too,
    /// so that the 404 page's absolute links work in the preview.
    base_path: String,
    status: watch::Receiver<Status>,
}

/// Starts serving `root` at `address` on a thread of its own.
pub(crate) fn start(root: PathBuf, base_path: String, address: SocketAddr, initial: Status) -> Result<Preview> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("encyc-serve")
        .enable_all()
        .build()
        .context("cannot start the preview server")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(address))
        .with_context(|| format!("cannot listen on {address} (is another server using it? try --port)"))?;
    let address = listener.local_addr()?;
    let (status_tx, status_rx) = watch::channel(initial);
    let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let state = Arc::new(AppState { root, base_path, status: status_rx });
    let app = Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .fallback(serve_file)
        .with_state(state);
    let thread = std::thread::Builder::new()
        .name("encyc-serve".into())
        .spawn(move || {
            runtime.block_on(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = shutdown_rx.await;
                    })
                    .await;
            });
            // Open event streams never end by themselves; do not wait for them.
            runtime.shutdown_background();
        })
        .context("cannot start the preview server thread")?;
    Ok(Preview { address, status: status_tx, shutdown: Some(shutdown_tx), thread: Some(thread) })
}

async fn events(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let stream = WatchStream::new(state.status.clone())
        .map(|status| Ok::<_, std::convert::Infallible>(Event::default().event("status").data(status_json(&status))));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn status_json(status: &Status) -> String {
    serde_json::to_string(status).expect("a status always encodes as JSON")
}

async fn script() -> Response {
    let mut response = LIVE_JS.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn serve_file(State(state): State<Arc<AppState>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let request = uri.path();
    let request = match state.base_path.as_str() {
        "/" => request,
        base => request.strip_prefix(base.trim_end_matches('/')).unwrap_or(request),
    };
    let (generation, error) = {
        let status = state.status.borrow();
        (status.generation, status.error.clone())
    };
    let segments = path::segments(request);
    let found = segments.as_deref().and_then(|segments| path::locate(&state.root, segments));
    // A folder asked for without its slash (`/es`): its index page's relative links would
    // resolve one folder up, so the browser is sent to `/es/`, as static hosts do.
    let folder = segments.as_ref().and_then(|s| s.last()).is_some_and(|last| last != "index.html")
        && found.as_deref().is_some_and(|f| f.ends_with("index.html"));
    if folder && !request.ends_with('/') {
        let mut to = format!("{}/", uri.path());
        if let Some(query) = uri.query() {
            to.push('?');
            to.push_str(query);
        }
        let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(location) = HeaderValue::from_str(&to) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        return response;
    }
    let (status, file) = match found {
        Some(file) => (StatusCode::OK, Some(file)),
        None => {
            let not_found = state.root.join("404.html");
            (StatusCode::NOT_FOUND, not_found.is_file().then_some(not_found))
        }
    };
    let Some(file) = file else {
        // Nothing was ever built: the errors are the only thing to show, until the first
        // build, which the page then reloads to.
        if let (0, Some(error)) = (generation, error) {
            let page = inject_script(errors_page(&error).into_bytes(), generation);
            return respond(&method, StatusCode::SERVICE_UNAVAILABLE, "text/html; charset=utf-8", page);
        }
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    // Whole-file reads: the writer replaces files by renaming, so a read sees either the
    // old or the new page, never a mix.
    let bytes = match tokio::fs::read(&file).await {
        Ok(bytes) => bytes,
        Err(_) => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let mime = mime_guess::from_path(&file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html { inject_script(bytes, generation) } else { bytes };
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ => mime.essence_str().to_string(),
    };
    respond(&method, status, &content_type, body)
}

/// A response with `body`, or for HEAD its headers only, with the length a GET would send.
fn respond(method: &Method, status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let length = HeaderValue::from(body.len());
    let mut response = Response::new(if method == Method::HEAD { Body::empty() } else { Body::from(body) });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, length);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The page served in place of every page while the site has never built.
fn errors_page(error: &str) -> String {
    let mut escaped = String::new();
    pulldown_cmark_escape::escape_html(&mut escaped, error).expect("writing to a String cannot fail");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>encyc: the site does not build yet</title>\n</head>\n<body>\n\
         <h1>The site does not build yet</h1>\n<p>This page reloads when it does.</p>\n\
         <pre>{escaped}</pre>\n</body>\n</html>\n"
    )
}

/// Adds the live-reload script just before `</body>` (or at the end).
fn inject_script(html: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>\n");
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_closing_body_tag() {
        let out = inject_script(b"<html><body><p>x</p></body></html>".to_vec(), 3);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>x</p><script src=\"/__encyc/live.js\" data-generation=\"3\"></script>\n</body></html>"
        );
        let out = inject_script(b"no body".to_vec(), 1);
        assert!(String::from_utf8(out).unwrap().starts_with("no body<script"));
    }
}
