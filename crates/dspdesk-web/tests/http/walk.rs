//! The role walk: every route of every capability, as every role.

use crate::support::*;

/// What one user may see: partners and stations, and the codes it must never be shown.
struct Sees {
    user: &'static str,
    partners: &'static [&'static str],
    stations: &'static [&'static str],
    hidden: &'static [&'static str],
}

const CASES: [Sees; 5] = [
    Sees {
        user: "admin",
        partners: &["SWFT", "ZIPX"],
        stations: &["DEL4", "BOM1", "PNQ5"],
        hidden: &[],
    },
    Sees {
        user: "program",
        partners: &["SWFT", "ZIPX"],
        stations: &["DEL4", "BOM1", "PNQ5"],
        hidden: &[],
    },
    Sees {
        user: "coach",
        partners: &["SWFT"],
        stations: &["DEL4"],
        hidden: &["ZIPX", "BOM1", "PNQ5"],
    },
    // ZIPX works at BOM1 and PNQ5: the manager of BOM1 sees ZIPX, and nothing of PNQ5.
    Sees {
        user: "station",
        partners: &["ZIPX"],
        stations: &["BOM1"],
        hidden: &["SWFT", "DEL4", "PNQ5"],
    },
    Sees {
        user: "partner",
        partners: &["SWFT"],
        stations: &["DEL4"],
        hidden: &["ZIPX", "BOM1", "PNQ5"],
    },
];

/// Each subject: a partner, one of its stations and one of its routes there (NOPE
/// exists nowhere).
const SUBJECTS: [(&str, &str, &str); 4] = [
    ("SWFT", "DEL4", "R0"),
    ("ZIPX", "BOM1", "R1"),
    ("ZIPX", "PNQ5", "R2"),
    ("NOPE", "NOPE1", "RX"),
];

/// The route's URLs, each with whether the user may see it (`None`: no subject).
/// `followups` are the (follow-up, attachment) ids about each subject but the last.
/// The ids seeded about each subject but the last.
struct Seeds {
    /// (follow-up, attachment)
    followups: Vec<(i64, i64)>,
    reviews: Vec<i64>,
    plans: Vec<i64>,
    flags: Vec<i64>,
    documents: Vec<i64>,
    launches: Vec<i64>,
    invoices: Vec<i64>,
}

fn targets(path: &str, sees: &Sees, seeds: &Seeds) -> Vec<(String, Option<bool>)> {
    if !path.contains('{') {
        return vec![(path.to_string(), None)];
    }
    SUBJECTS
        .iter()
        .enumerate()
        .map(|(i, (code, station, route))| {
            let (id, att) = seeds
                .followups
                .get(i)
                .copied()
                .unwrap_or((999_999, 999_999));
            let review = seeds.reviews.get(i).copied().unwrap_or(999_999);
            let plan = seeds.plans.get(i).copied().unwrap_or(999_999);
            let flag = seeds.flags.get(i).copied().unwrap_or(999_999);
            let document = seeds.documents.get(i).copied().unwrap_or(999_999);
            let launch = seeds.launches.get(i).copied().unwrap_or(999_999);
            let invoice = seeds.invoices.get(i).copied().unwrap_or(999_999);
            let url = path
                .replace("{code}", code)
                .replace("{partner}", code)
                .replace("{supervisor}", &format!("SUP-{code}"))
                .replace("{station}", station)
                .replace("{route}", route)
                .replace("{date}", "2026-11-20")
                .replace("{id}", &id.to_string())
                .replace("{attachment}", &att.to_string())
                .replace("{review}", &review.to_string())
                .replace("{plan}", &plan.to_string())
                .replace("{flag}", &flag.to_string())
                .replace("{document}", &document.to_string())
                .replace("{launch}", &launch.to_string())
                .replace("{invoice}", &invoice.to_string())
                // No subscription is seeded: one nobody has is not found, for anyone
                // (the reports tests read real ones within each person's rights).
                .replace("{subscription}", "999999");
            // A follow-up is about a partner at a station: both must be in scope.
            let about_both = ["{id}", "{review}", "{plan}", "{flag}", "{launch}"]
                .iter()
                .any(|p| path.contains(p));
            // A document is the partner's: whoever sees the partner sees it.
            let partner_ok = !(path.contains("{code}")
                || path.contains("{partner}")
                || path.contains("{document}")
                || path.contains("{invoice}")
                || about_both)
                || sees.partners.contains(code);
            let station_ok =
                !(path.contains("{station}") || about_both) || sees.stations.contains(station);
            // An invoice is between the network and the partner: no station manager's.
            let money_ok = !path.contains("{invoice}") || sees.user != "station";
            let subscription_ok = !path.contains("{subscription}");
            (
                url,
                Some(partner_ok && station_ok && money_ok && subscription_ok),
            )
        })
        .collect()
}

/// The status a page or call without a subject answers the user with.
fn plain_status(url: &str, user: &str) -> StatusCode {
    let admin_only = matches!(
        url,
        "/admin/users"
            | "/admin/config"
            | "/admin/audit"
            | "/admin/documents"
            | "/admin/launch-template"
    );
    if (admin_only && user != "admin") || (url == "/upload" && !matches!(user, "admin" | "program"))
    {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    }
}

/// The page's download links (CSV), as absolute URLs.
fn downloads(base: &str, url: &str, body: &str) -> Vec<String> {
    let path = url.split('?').next().unwrap_or(url);
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.contains("download=") && href.ends_with("csv"))
        .map(|href| {
            let href = href.replace("&amp;", "&");
            if href.starts_with('?') {
                format!("{base}{path}{href}")
            } else {
                format!("{base}{href}")
            }
        })
        .collect()
}

fn assert_hides(sees: &Sees, text: &str, where_: &str) {
    for code in sees.hidden {
        assert!(!text.contains(code), "{where_} shows {code}:\n{text}");
    }
}

/// Every route, as every role: a partner user sees only its own company, a station
/// manager only its stations (no other station's code in any body or download), a
/// coach only its portfolio; guessed codes are 404.
#[tokio::test(flavor = "multi_thread")]
async fn every_route_as_every_role_shows_only_what_the_role_may_see() {
    for t in TestStore::all().await {
        let app = spawn_with(&t, &rows_at_two_stations(4)).await;
        let seeds = Seeds {
            followups: seed_followups(&app, &t.url).await,
            reviews: seed_reviews(&app, &t.url).await,
            plans: seed_plans(&app, &t.url).await,
            flags: seed_flags(&app, &t.url).await,
            documents: seed_documents(&app, &t.url).await,
            launches: seed_launches(&app, &t.url).await,
            invoices: seed_invoices(&app, &t.url).await,
        };
        seed_onboarding(&app, &t.url).await;
        seed_supervisors(&app, &t.url).await;
        for sees in &CASES {
            let user = sees.user;
            let c = logged_in(&app, user).await;
            for route in dspdesk_web::routes() {
                // Form posts are tested on their own; the walk reads.
                if matches!(
                    route.path,
                    "/login"
                        | "/logout"
                        | "/admin/users/{username}/disable"
                        | "/followups/{id}/attachments"
                        | "/invoices/upload"
                        | "/admin/config/score"
                        | "/ev/vendors"
                        | "/ev/connects"
                        | "/ev/connects/{id}"
                        | "/notifications/settings"
                        | "/reports/schedules"
                ) {
                    continue;
                }
                for (url, may) in targets(route.path, sees, &seeds) {
                    let r = c.get(format!("{}{url}", app.base)).send().await.unwrap();
                    let status = r.status();
                    let body = r.text().await.unwrap();
                    let where_ = format!("{} as {user} on {url}", t.backend());
                    let expected = match may {
                        Some(true) => StatusCode::OK,
                        Some(false) => StatusCode::NOT_FOUND,
                        None => plain_status(&url, user),
                    };
                    assert_eq!(status, expected, "{where_}");
                    assert_hides(sees, &body, &where_);
                    let page = status == StatusCode::OK
                        && !["/api", "/static", "/favicon", "/metrics", "/healthz"]
                            .iter()
                            .any(|p| url.starts_with(p));
                    if !page {
                        continue;
                    }
                    // Every download the page offers, and the page's own, shows no
                    // more than the page.
                    let mut links = downloads(&app.base, &url, &body);
                    if url != "/upload" {
                        links.push(format!("{}{url}?download=csv", app.base));
                    }
                    for link in links {
                        let csv = c.get(&link).send().await.unwrap();
                        assert_eq!(csv.status(), StatusCode::OK, "{where_} {link}");
                        let text = csv.text().await.unwrap();
                        assert_hides(sees, &text, &format!("{where_} download {link}"));
                    }
                }
            }
            let list: serde_json::Value = c
                .get(format!("{}/api/v1/partners", app.base))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let codes: Vec<&str> = list["partners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["partner"].as_str().unwrap())
                .collect();
            assert_eq!(codes, sees.partners, "{user}");
        }
        drop(app);
        t.finish().await;
    }
}
