//! A person's walk through the pages in a real headless Chromium (Debian's), driven by
//! `tests/browser/walk.mjs` (playwright-core): log in to today's worklist, the overview
//! with its week picker and a week so far, sort and filter the partners, drill down, the
//! COD ledger's lines, a partner's own home, log out; any console error fails it.
//! Skipped loudly where node, Chromium or playwright-core is missing, unless
//! `DSPDESK_REQUIRE_BROWSER=1` (CI), which makes that a failure.

mod common;

use dspdesk_store::testing::TestStore;
use std::path::PathBuf;

fn missing() -> Option<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        return Some("node is not installed".into());
    }
    if !PathBuf::from(&chromium).exists() {
        return Some(format!(
            "no Chromium at {chromium} (apt-get install chromium)"
        ));
    }
    if !root.join("node_modules/playwright-core").exists() {
        return Some(format!(
            "playwright-core is not installed (npm ci --prefix {})",
            root.display()
        ));
    }
    None
}

/// Runs `tests/browser/SCRIPT` with node against a fresh app (the base URL first, then
/// `args`) and asserts it ends with `done`; skipped loudly where the browser is missing.
async fn walk(script: &str, args: &'static [&'static str], done: &str) {
    if let Some(why) = missing() {
        if std::env::var("DSPDESK_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("DSPDESK_REQUIRE_BROWSER=1 but {why}");
        }
        dspdesk_store::testing::skip_notice(&format!("\n*** SKIPPED: browser test: {why} ***\n"));
        return;
    }
    let t = TestStore::sqlite().await;
    let app = common::spawn_with(&t, &common::rows_and_two_more_days(20)).await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/browser")
        .join(script);
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .arg(base)
            .args(args)
            .output()
            .expect("run node")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser walk failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(done), "{stdout}");
    drop(app);
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_logs_in_reads_drills_down_and_logs_out_in_chromium() {
    walk(
        "walk.mjs",
        &["admin", common::PASSWORD, "partner"],
        "browser walk: ok",
    )
    .await;
}

/// A point followed up through the screens: raised and answered by the partner,
/// resolved by the program team, the partner told; a DSP review's action item closed by
/// the partner that owns it (`tests/browser/followups.mjs`).
#[tokio::test(flavor = "multi_thread")]
async fn a_point_is_raised_answered_and_resolved_in_chromium() {
    walk("followups.mjs", &[common::PASSWORD], "followups walk: ok").await;
}
