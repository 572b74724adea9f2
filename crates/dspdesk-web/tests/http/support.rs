//! What every module of the HTTP tests shares: a client with cookies and no
//! redirects, logging in, and reading a form's hidden field.

pub use crate::common::{
    App, PASSWORD, invoice_of, rows_at_two_stations, seed_documents, seed_flags, seed_followups,
    seed_invoices, seed_launches, seed_onboarding, seed_plans, seed_reviews, seed_supervisors,
    serve_workspace, spawn, spawn_with,
};
pub use dspdesk_store::testing::TestStore;
pub use reqwest::StatusCode;
use reqwest::redirect::Policy;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

pub async fn login(app: &App, user: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let c = client();
    let form = c
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&form, "csrf");
    let resp = c
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", user),
            ("password", password),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    (c, resp)
}

pub async fn logged_in(app: &App, user: &str) -> reqwest::Client {
    let (c, resp) = login(app, user, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{user} logs in");
    c
}

/// The body of a GET.
pub async fn text(c: &reqwest::Client, url: impl AsRef<str>) -> String {
    c.get(url.as_ref())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The JSON body of a GET.
pub async fn json(c: &reqwest::Client, url: impl AsRef<str>) -> serde_json::Value {
    c.get(url.as_ref())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A second handle on the served workspace, for loading more into it.
pub async fn workspace(app: &App, t: &TestStore) -> dspdesk_app::Workspace {
    dspdesk_app::Workspace::open(&app.data, Some(&t.url))
        .await
        .unwrap()
}
