//! `dspdesk users …` and `dspdesk demo` through the binary.

mod common;

use common::Env;

#[test]
fn users_are_added_listed_disabled_and_reset_with_clear_errors() {
    let env = Env::new();
    let pw = [("DSPDESK_PASSWORD", "a long enough password")];
    let r = env
        .run_with(
            &[
                "users",
                "add",
                "asha",
                "--role",
                "coach",
                "--partner",
                "SWFT",
                "--partner",
                "ZIPX",
            ],
            &pw,
        )
        .ok();
    assert!(
        r.stdout.contains("added asha (coach)") && !r.stdout.contains("password:"),
        "{}",
        r.stdout
    );
    let r = env
        .run(&[
            "users",
            "add",
            "owner",
            "--role",
            "partner",
            "--partner",
            "SWFT",
        ])
        .ok();
    assert!(
        r.stdout.contains("password: "),
        "a generated password is printed once: {}",
        r.stdout
    );
    let list = env.run(&["users", "list"]).ok().stdout;
    assert!(
        list.contains("asha")
            && list.contains("partner:SWFT partner:ZIPX")
            && list.contains("active"),
        "{list}"
    );

    let r = env.run_with(
        &[
            "users",
            "add",
            "bad",
            "--role",
            "partner",
            "--partner",
            "A",
            "--partner",
            "B",
        ],
        &pw,
    );
    assert!(
        r.code != 0 && r.stderr.contains("exactly one partner"),
        "{}",
        r.stderr
    );
    let r = env.run_with(&["users", "add", "bad", "--role", "chief"], &pw);
    assert!(
        r.code != 0
            && r.stderr
                .contains("use admin, program, coach, station or partner"),
        "{}",
        r.stderr
    );
    let r = env.run_with(&["users", "add", "asha", "--role", "admin"], &pw);
    assert!(
        r.code != 0 && r.stderr.contains("exists already"),
        "{}",
        r.stderr
    );
    let r = env.run_with(
        &["users", "add", "short", "--role", "admin"],
        &[("DSPDESK_PASSWORD", "short")],
    );
    assert!(
        r.code != 0 && r.stderr.contains("at least 10 characters"),
        "{}",
        r.stderr
    );

    env.run(&["users", "disable", "asha"]).ok();
    assert!(env.run(&["users", "list"]).ok().stdout.contains("disabled"));
    env.run_with(&["users", "reset-password", "owner"], &pw)
        .ok();
    let r = env
        .run(&["tokens", "create", "owner", "--name", "nightly"])
        .ok();
    let token = r.stdout.lines().last().unwrap().to_string();
    assert!(
        token.starts_with("dspd_") && token.len() > 60,
        "{}",
        r.stdout
    );
    let list = env.run(&["tokens", "list"]).ok().stdout;
    assert!(
        list.contains("owner")
            && list.contains("nightly")
            && list.contains("active")
            && !list.contains(&token),
        "{list}"
    );
    env.run(&["tokens", "revoke", "1"]).ok();
    assert!(env.run(&["tokens", "list"]).ok().stdout.contains("revoked"));
    let r = env.run(&["tokens", "revoke", "99"]);
    assert!(
        r.code != 0 && r.stderr.contains("no token 99"),
        "{}",
        r.stderr
    );
    let r = env.run(&["tokens", "create", "nobody", "--name", "x"]);
    assert!(
        r.code != 0 && r.stderr.contains("no user named"),
        "{}",
        r.stderr
    );
    let r = env.run(&["users", "disable", "nobody"]);
    assert!(
        r.code != 0 && r.stderr.contains("no user named \"nobody\""),
        "{}",
        r.stderr
    );
}

#[test]
fn demo_generates_loads_and_summarises() {
    let env = Env::new();
    let dir = env.path("demo");
    let args = [
        "demo",
        "--no-serve",
        "--dir",
        dir.to_str().unwrap(),
        "--stations",
        "3",
        "--partners",
        "8",
        "--days",
        "21",
        "--volume",
        "120",
    ];
    let r = env.run(&args).ok();
    assert!(
        r.stdout.contains("loaded") && r.stdout.contains("deliveries"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("network, 2026-W"), "{}", r.stdout);
    // A second run reuses what is loaded.
    let again = env.run(&args).ok();
    assert!(!again.stdout.contains("generating"), "{}", again.stdout);
    // --data-dir (which every run here passes) is where the demo's data went, with its
    // generated files beside them; --dir is left alone.
    assert!(env.data_dir().join("dspdesk.db").exists());
    assert!(env.data_dir().join("demo-input/deliveries.csv").exists());
    assert!(!dir.exists(), "{}", dir.display());
    // --fresh removes only a folder dspdesk made.
    let stranger = env.path("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("keep.txt"), "mine").unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dspdesk"));
    let out = cmd
        .args([
            "--data-dir",
            stranger.to_str().unwrap(),
            "demo",
            "--no-serve",
            "--fresh",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no dspdesk database"));
    assert!(stranger.join("keep.txt").exists());
}
