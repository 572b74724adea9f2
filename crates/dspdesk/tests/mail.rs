//! E-mail through a real SMTP server on loopback (Python's aiosmtpd, started here):
//! a notification's e-mail survives a failed send and goes out on the next try, once.
//! Where aiosmtpd is not installed the test says so loudly and skips, unless
//! `DSPDESK_REQUIRE_SMTP=1` (CI), where that is a failure.

mod common;

use common::Env;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A Python that has aiosmtpd: `DSPDESK_SMTP_PYTHON`, else `python3`.
fn python() -> Option<PathBuf> {
    let py = std::env::var_os("DSPDESK_SMTP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(py);
    }
    if std::env::var("DSPDESK_REQUIRE_SMTP").as_deref() == Ok("1") {
        panic!(
            "DSPDESK_REQUIRE_SMTP=1 but {} cannot import aiosmtpd",
            py.display()
        );
    }
    eprintln!(
        "\n*** SKIPPED: the e-mail test needs aiosmtpd (pip install aiosmtpd; set DSPDESK_SMTP_PYTHON to that Python) ***\n"
    );
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMTP server writing every message it takes into a maildir.
struct Smtp {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Smtp {
    fn start(py: &Path, dir: &Path) -> Smtp {
        let port = free_port();
        let maildir = dir.join("maildir");
        let child = Command::new(py)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        // Wait until it listens (a readiness check, not a timing assertion).
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Smtp {
            child,
            port,
            maildir,
        }
    }

    fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_email_survives_a_failed_send_and_goes_out_once_on_the_next_try() {
    let Some(py) = python() else {
        return;
    };
    let env = Env::new();
    let (partner, _) = env.tiny_network();
    env.run_with(
        &[
            "users",
            "add",
            "coachy",
            "--role",
            "coach",
            "--partner",
            &partner,
        ],
        &[("DSPDESK_PASSWORD", "pw-pw-pw-pw-pw")],
    )
    .ok();
    env.run(&[
        "users",
        "email",
        "coachy",
        "--email",
        "coachy@example.com",
        "--event",
        "assigned",
    ])
    .ok();
    let t = |m: u32| format!("2030-01-01T00:{m:02}:00Z");
    env.run(&[
        "cases",
        "open",
        "--partner",
        &partner,
        "--title",
        "Van off road",
        "--owner",
        "coachy",
        "--now",
        &t(0),
    ])
    .ok();
    // No server at that address: the send fails and the e-mail stays, with its error.
    let down = format!("smtp://127.0.0.1:{}", free_port());
    let first = env
        .run(&["jobs", "run", "--smtp-url", &down, "--now", &t(0)])
        .ok();
    assert!(
        first.stdout.contains("0 sent, 1 failed"),
        "{}",
        first.stdout
    );
    let smtp = Smtp::start(&py, env.dir.path());
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    // Before its next try (a minute later) nothing is sent.
    let early = env
        .run(&[
            "jobs",
            "run",
            "--smtp-url",
            &url,
            "--now",
            "2030-01-01T00:00:30Z",
        ])
        .ok();
    assert!(
        early.stdout.contains("0 sent, 0 failed"),
        "{}",
        early.stdout
    );
    let second = env
        .run(&["jobs", "run", "--smtp-url", &url, "--now", &t(5)])
        .ok();
    assert!(
        second.stdout.contains("1 sent, 0 failed"),
        "{}",
        second.stdout
    );
    let again = env
        .run(&["jobs", "run", "--smtp-url", &url, "--now", &t(9)])
        .ok();
    assert!(
        again.stdout.contains("0 sent"),
        "sent once: {}",
        again.stdout
    );
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].contains("To: coachy@example.com"), "{}", mail[0]);
    assert!(mail[0].contains("Van off road"), "{}", mail[0]);
    // Without an SMTP server configured, the command says the e-mail waits.
    env.run(&[
        "cases",
        "open",
        "--partner",
        &partner,
        "--title",
        "Second",
        "--owner",
        "coachy",
        "--now",
        &t(10),
    ])
    .ok();
    let none = env.run(&["jobs", "run", "--now", &t(11)]).ok();
    assert!(
        none.stdout
            .contains("1 e-mails wait in the outbox: no SMTP server is configured"),
        "{}",
        none.stdout
    );
}

/// A report by e-mail: the headline in the message, the workbook attached; a partner
/// user's pack names no other partner.
/// A message's readable parts, quoted-printable soft breaks joined; the workbook after.
fn readable(m: &str) -> String {
    m.split("Content-Disposition: attachment")
        .next()
        .unwrap()
        .replace("=\r\n", "")
        .replace("=\n", "")
}

#[test]
fn a_report_goes_by_email_with_its_workbook_and_a_partner_reads_only_its_own() {
    let Some(py) = python() else {
        return;
    };
    let env = Env::new();
    let sim = env.simulated(2, 4, 14, &["deliveries", "remittances"]);
    let partners = Env::partners_of(&sim);
    let own = partners.iter().next().unwrap().clone();
    env.run_with(
        &["users", "add", "p1", "--role", "partner", "--partner", &own],
        &[("DSPDESK_PASSWORD", "pw-pw-pw-pw-pw")],
    )
    .ok();
    let smtp = Smtp::start(&py, env.dir.path());
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let now = "2026-09-21T03:00:00Z";
    env.run(&[
        "report",
        "daily",
        "--email",
        "lead@example.com",
        "--smtp-url",
        &url,
        "--now",
        now,
    ])
    .ok();
    env.run(&[
        "report",
        "weekly",
        "--user",
        "p1",
        "--email",
        "p1@example.com",
        "--smtp-url",
        &url,
        "--now",
        now,
    ])
    .ok();
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2, "one message per report");
    let daily = messages
        .iter()
        .find(|m| m.contains("Subject: Daily report, 2026-09-20"))
        .expect("the daily report");
    assert!(daily.contains("To: lead@example.com"));
    assert!(
        daily.contains("filename=\"daily-2026-09-20.xlsx\""),
        "the workbook is attached"
    );
    assert!(
        readable(daily).contains("Dispatched"),
        "the headline is in the message"
    );
    let pack = messages
        .iter()
        .find(|m| m.contains("Subject: Weekly review pack, 2026-W38"))
        .expect("the partner's pack");
    let text = readable(pack);
    assert!(text.contains(&own), "its own code is there to read");
    for other in partners.iter().filter(|p| **p != own) {
        assert!(!text.contains(other.as_str()), "the pack names {other}");
    }
}

/// Scheduled reports on a fixed clock: each run goes out once with its workbook, whoever
/// and however many run the schedule; a run missed in downtime goes out once, late, and
/// says so; a partner's pack holds no other partner. `concurrent` runs every send twice
/// at the same moment (two processes on one database).
fn scheduled_reports_go_once(env: &Env, py: &Path, concurrent: bool) {
    let sim = env.simulated(2, 4, 14, &["deliveries", "remittances"]);
    let partners = Env::partners_of(&sim);
    let own = partners.iter().next().unwrap().clone();
    let pw = [("DSPDESK_PASSWORD", "pw-pw-pw-pw-pw")];
    env.run_with(&["users", "add", "lead", "--role", "program"], &pw)
        .ok();
    env.run_with(
        &["users", "add", "p1", "--role", "partner", "--partner", &own],
        &pw,
    )
    .ok();
    env.run(&["users", "email", "lead", "--email", "lead@example.com"])
        .ok();
    env.run(&["users", "email", "p1", "--email", "p1@example.com"])
        .ok();
    let made = "2026-09-20T12:00:00Z";
    let daily = env
        .run(&[
            "report",
            "subscribe",
            "--user",
            "lead",
            "--kind",
            "daily",
            "--at",
            "07:30",
            "--now",
            made,
        ])
        .ok()
        .stdout;
    assert!(daily.contains("every day at 07:30"), "{daily}");
    env.run(&[
        "report",
        "subscribe",
        "--user",
        "p1",
        "--kind",
        "weekly",
        "--weekday",
        "monday",
        "--at",
        "08:00",
        "--now",
        made,
    ])
    .ok();
    // A partner the recipient may not see is refused, as on their report page.
    let other = partners.iter().find(|p| **p != own).unwrap();
    let refused = env.run(&[
        "report",
        "subscribe",
        "--user",
        "p1",
        "--kind",
        "daily",
        "--at",
        "07:00",
        "--partner",
        other,
    ]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);

    let smtp = Smtp::start(py, env.dir.path());
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let send = |cmd: &str, now: &str| -> String {
        let args: Vec<&str> = match cmd {
            "jobs" => vec!["jobs", "run", "--smtp-url", &url, "--now", now],
            _ => vec!["report", "send", "--smtp-url", &url, "--now", now],
        };
        if concurrent {
            let (a, b) = std::thread::scope(|s| {
                let x = s.spawn(|| env.run(&args).ok().stdout);
                let y = s.spawn(|| env.run(&args).ok().stdout);
                (x.join().unwrap(), y.join().unwrap())
            });
            format!("{a}\n{b}")
        } else {
            format!(
                "{}\n{}",
                env.run(&args).ok().stdout,
                env.run(&args).ok().stdout
            )
        }
    };
    // Before its time nothing goes; 07:30 IST is 02:00 UTC.
    send("report", "2026-09-21T01:59:00Z");
    assert_eq!(smtp.messages().len(), 0, "nothing before its time");
    send("report", "2026-09-21T02:05:00Z");
    assert_eq!(smtp.messages().len(), 1, "the daily report, once");
    // The scheduler's round sends the partner's Monday pack (08:00 IST), once.
    send("jobs", "2026-09-21T02:31:00Z");
    assert_eq!(smtp.messages().len(), 2, "the pack, once");
    // Down from Monday to Wednesday morning: one daily report, late, not three.
    send("report", "2026-09-23T06:00:00Z");
    send("report", "2026-09-23T06:01:00Z");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 3, "the missed run once");

    let to_lead: Vec<&String> = messages
        .iter()
        .filter(|m| m.contains("To: lead@example.com"))
        .collect();
    assert_eq!(to_lead.len(), 2);
    assert!(
        to_lead
            .iter()
            .any(|m| m.contains("Subject: Daily report, 2026-09-20\r\n")
                || m.contains("Subject: Daily report, 2026-09-20\n")),
        "the first run reports the day before it"
    );
    assert!(
        to_lead
            .iter()
            .any(|m| m.contains("(late: due 2026-09-23 07:30 IST)")),
        "the late run says so"
    );
    for m in &messages {
        assert!(
            m.contains("filename=\""),
            "every run has its workbook attached"
        );
    }
    let pack = messages
        .iter()
        .find(|m| m.contains("To: p1@example.com"))
        .expect("the partner's pack");
    assert!(pack.contains("Subject: Weekly review pack, 2026-W38"));
    let text = readable(pack);
    assert!(text.contains(&own));
    for p in partners.iter().filter(|p| **p != own) {
        assert!(!text.contains(p.as_str()), "the partner's pack names {p}");
    }

    // The record: three runs, each sent once, one late; the list says when and to whom.
    let runs: serde_json::Value =
        serde_json::from_str(&env.run(&["report", "runs", "--format", "json"]).ok().stdout)
            .unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 3, "{runs:?}");
    assert!(
        runs.iter()
            .all(|r| r["state"] == "sent" && r["attempts"] == 1)
    );
    assert_eq!(runs.iter().filter(|r| r["late"] == true).count(), 1);
    let list = env.run(&["report", "subscriptions"]).ok().stdout;
    assert!(
        list.contains("sent 2026-09-23 11:30 to lead@example.com, late (due 2026-09-23 07:30)"),
        "{list}"
    );
    assert!(list.contains("every Monday at 08:00"), "{list}");
}

#[test]
fn scheduled_reports_go_once_each_and_a_missed_one_late() {
    let Some(py) = python() else {
        return;
    };
    scheduled_reports_go_once(&Env::new(), &py, false);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_postgresql_send_each_scheduled_report_once() {
    let Some(py) = python() else {
        return;
    };
    let Some(pg) = dspdesk_store::testing::TestStore::postgres().await else {
        return;
    };
    let url = pg.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut env = Env::new();
        env.database_url = Some(url);
        scheduled_reports_go_once(&env, &py, true);
    })
    .await
    .unwrap();
    pg.finish().await;
}
