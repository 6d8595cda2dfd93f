//! scim2-tester (PyPI), the independent SCIM conformance checker, against a
//! real server on port 0: every check must pass. It is installed by
//! `scripts/install-scim2-tester.sh` (which `.ci/run` calls) into its own
//! virtualenv; this test installs it there too when it is missing.

use super::*;
use std::path::PathBuf;

fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts")
}

async fn python() -> String {
    let out = tokio::process::Command::new(scripts().join("install-scim2-tester.sh"))
        .output()
        .await
        .expect("scripts/install-scim2-tester.sh runs");
    assert!(
        out.status.success(),
        "installing scim2-tester failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scim2_tester_passes_every_check() {
    let python = python().await;
    let env = Env::start().await;
    let dir = env.directory("Tester Inc", json!({})).await;
    let out = tokio::process::Command::new(&python)
        .arg(scripts().join("scim2-tester.py"))
        .arg(&dir.base)
        .arg(&dir.token)
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    let result_line = report.lines().last().unwrap_or_default();
    assert!(
        result_line.starts_with("scim2-tester: "),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "scim2-tester found problems:\n{report}");
}
