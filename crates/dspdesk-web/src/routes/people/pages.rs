//! The login page, logging out, and the users screen (admins).

use crate::AppState;
use crate::shared::auth::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, set_cookie};
use crate::shared::error::PageResult;
use crate::shared::error::{form_outcome, sentence};
use crate::shared::extract::{Can, CsrfForm, may};
use crate::shared::render::{Chrome, chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dspdesk_app::people::{self, LoginError, NewPerson, SESSION_HOURS};
use dspdesk_app::{Actor, AppError};
use dspdesk_core::Role;

#[derive(Template)]
#[template(path = "people/login.html")]
struct LoginPage {
    csrf: String,
    error: String,
}

fn with_cookie(mut resp: Response, cookie: String) -> Response {
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn login_page(s: &AppState, error: &str, status: StatusCode) -> PageResult {
    let csrf = people::random_token()?;
    let page = render(LoginPage {
        csrf: csrf.clone(),
        error: error.into(),
    });
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, s.secure_cookies);
    Ok(with_cookie((status, page).into_response(), cookie))
}

pub async fn login_form(State(s): State<AppState>) -> PageResult {
    login_page(&s, "", StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

pub async fn login(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult {
    // Double-submit: the form's token must match the cookie set with the form.
    if cookie(&headers, LOGIN_CSRF_COOKIE) != Some(f.csrf.as_str()) {
        return login_page(
            &s,
            "The form expired; please log in again.",
            StatusCode::FORBIDDEN,
        );
    }
    match people::login(&s.ws, f.username.trim(), &f.password).await {
        Ok(session) => {
            let max_age = SESSION_HOURS * 3600;
            let cookie = set_cookie(SESSION_COOKIE, &session.token, max_age, s.secure_cookies);
            Ok(with_cookie(Redirect::to("/").into_response(), cookie))
        }
        Err(LoginError::App(e)) => Err(e.into()),
        Err(e @ LoginError::Throttled) => {
            login_page(&s, &e.to_string(), StatusCode::TOO_MANY_REQUESTS)
        }
        // A form is answered with its message (200), as a person expects.
        Err(e) => {
            let message = sentence(&e.to_string());
            login_page(&s, &message, StatusCode::OK)
        }
    }
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

pub async fn logout(State(s): State<AppState>, f: CsrfForm<NoFields>) -> PageResult {
    people::logout(&s.ws, &f.user.token).await?;
    let cookie = set_cookie(SESSION_COOKIE, "", 0, s.secure_cookies);
    Ok(with_cookie(Redirect::to("/login").into_response(), cookie))
}

pub struct UserRowView {
    pub username: String,
    pub name: String,
    pub role: String,
    pub scope: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "people/users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRowView>,
    /// What the last action did: (ok, text).
    result: Option<(bool, String)>,
}

async fn users_page(
    s: &AppState,
    u: &crate::shared::auth::User,
    result: Option<(bool, String)>,
) -> PageResult {
    let list = people::users(&s.ws, &u.actor).await?;
    Ok(render(UsersPage {
        c: chrome(u, "users"),
        users: list
            .into_iter()
            .map(|x| UserRowView {
                scope: x
                    .scopes
                    .iter()
                    .map(|(k, c)| format!("{k}:{c}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                username: x.username,
                name: x.display_name,
                role: x.role.to_string(),
                active: !x.disabled,
            })
            .collect(),
        result,
    }))
}

pub async fn users(State(s): State<AppState>, Can(u, _): Can<may::ManageUsers>) -> PageResult {
    users_page(&s, &u, None).await
}

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    username: String,
    name: String,
    role: String,
    #[serde(default)]
    partners: String,
    #[serde(default)]
    stations: String,
}

fn codes(raw: &str) -> Vec<String> {
    raw.split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

async fn add(s: &AppState, actor: &Actor, f: &NewUserForm) -> Result<String, AppError> {
    let role = Role::parse(&f.role)
        .ok_or_else(|| AppError::invalid("role", format!("{:?} is not a role", f.role)))?;
    let username = f.username.trim().to_owned();
    let person = NewPerson {
        scopes: people::scopes_for(role, &codes(&f.partners), &codes(&f.stations))?,
        display_name: match f.name.trim() {
            "" => username.clone(),
            name => name.to_owned(),
        },
        password: people::random_token()?[..20].to_string(),
        username,
        role,
    };
    people::create_user(&s.ws, actor, &person).await?;
    Ok(format!(
        "Added {} ({role}). Their password, shown once: {}",
        person.username, person.password
    ))
}

pub async fn add_user(State(s): State<AppState>, f: CsrfForm<NewUserForm>) -> PageResult {
    let result = form_outcome(add(&s, &f.user.actor, &f.form).await)?;
    users_page(&s, &f.user, Some(result)).await
}

pub async fn disable_user(
    State(s): State<AppState>,
    Path(name): Path<String>,
    f: CsrfForm<NoFields>,
) -> PageResult {
    let result = people::disable_user(&s.ws, &f.user.actor, &name)
        .await
        .map(|()| format!("Disabled {name}; their sessions have ended."));
    let result = form_outcome(result)?;
    users_page(&s, &f.user, Some(result)).await
}
