//! Helpers shared by the integration tests: run the real binary on real files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
    pub fn fails_with(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A data folder and, optionally, a database URL (PostgreSQL tests).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
}

impl Default for Env {
    fn default() -> Env {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
            database_url: None,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dspdesk"));
        cmd.arg("--data-dir").arg(self.data_dir()).arg("--quiet");
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd.args(args)
            .env_remove("DSPDESK_DATABASE_URL")
            .env_remove("DSPDESK_CRASH_AT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out: Output = cmd.output().expect("run dspdesk");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Simulates and loads a one-station, two-partner, three-day network: the partner
    /// and station of its first row.
    pub fn tiny_network(&self) -> (String, String) {
        let sim = self.path("sim");
        self.run(&[
            "simulate",
            "--stations",
            "1",
            "--partners",
            "2",
            "--days",
            "3",
            "--volume",
            "50",
            "--out",
            sim.to_str().unwrap(),
        ])
        .ok();
        let csv = sim.join("deliveries.csv");
        self.run(&["ingest", "deliveries", csv.to_str().unwrap()])
            .ok();
        let text = std::fs::read_to_string(&csv).unwrap();
        let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
        (row[4].to_string(), row[3].to_string())
    }

    /// Simulates `stations` × `partners` over `days` from 2026-09-07 (200 packages a
    /// station-day) into `sim/`, and loads the files of `kinds` (`deliveries`,
    /// `remittances`, `routes`); the folder of the files.
    #[allow(dead_code)]
    pub fn simulated(&self, stations: u32, partners: u32, days: u32, kinds: &[&str]) -> PathBuf {
        let sim = self.path("sim");
        let (s, p, d) = (stations.to_string(), partners.to_string(), days.to_string());
        self.run(&[
            "simulate",
            "--stations",
            &s,
            "--partners",
            &p,
            "--days",
            &d,
            "--start",
            "2026-09-07",
            "--volume",
            "200",
            "--out",
            sim.to_str().unwrap(),
        ])
        .ok();
        for kind in kinds {
            let file = match *kind {
                "remittances" => "cod_remittances.csv",
                "routes" => "routes.csv",
                _ => "deliveries.csv",
            };
            self.run(&["ingest", kind, sim.join(file).to_str().unwrap()])
                .ok();
        }
        sim
    }

    /// The partner codes of a simulated `deliveries.csv` in `sim`.
    #[allow(dead_code)]
    pub fn partners_of(sim: &std::path::Path) -> std::collections::BTreeSet<String> {
        let csv = std::fs::read_to_string(sim.join("deliveries.csv")).unwrap();
        let col = csv
            .lines()
            .next()
            .unwrap()
            .split(',')
            .position(|c| c == "partner")
            .unwrap();
        csv.lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(col).map(str::to_owned))
            .collect()
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Every file under the lake folder (not the lock or staging).
    pub fn lake_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(&self.data_dir().join("lake"), &mut out);
        out.retain(|p| p.extension().is_some_and(|e| e == "parquet"));
        out.sort();
        out
    }

    /// `export metrics` as parsed CSV records (header first).
    pub fn export(&self, grain: &str, by: &str, from: &str, to: &str) -> Vec<Vec<String>> {
        let mut args = vec![
            "export", "metrics", "--grain", grain, "--from", from, "--to", to,
        ];
        if !by.is_empty() {
            args.extend(["--by", by]);
        }
        let r = self.run(&args).ok();
        let mut rd = csv::Reader::from_reader(r.stdout.as_bytes());
        let mut rows = vec![
            rd.headers()
                .expect("header")
                .iter()
                .map(String::from)
                .collect(),
        ];
        for rec in rd.records() {
            rows.push(rec.expect("row").iter().map(String::from).collect());
        }
        rows
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub const HEADER: &str = "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas";
