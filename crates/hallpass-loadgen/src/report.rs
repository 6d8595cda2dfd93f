//! Throughput and latency percentiles of one run.

use crate::Args;
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Measured {
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn print(args: &Args, m: &Measured) {
    let mut sorted = m.latencies.clone();
    sorted.sort_unstable();
    let rate = m.ok as f64 / m.elapsed.as_secs_f64().max(f64::EPSILON);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p99, max) = (
        percentile(&sorted, 50.0),
        percentile(&sorted, 99.0),
        sorted.last().copied().unwrap_or_default(),
    );
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "scenario": format!("{:?}", args.scenario),
                "concurrency": args.concurrency,
                "target_rate": args.rate,
                "ok": m.ok,
                "errors": m.errors,
                "seconds": m.elapsed.as_secs_f64(),
                "per_second": rate,
                "p50_ms": ms(p50),
                "p99_ms": ms(p99),
                "max_ms": ms(max),
            })
        );
    } else {
        println!(
            "{:?}: {:.0}/s ({} ok, {} errors in {:.1}s, {} workers{}) p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            args.scenario,
            rate,
            m.ok,
            m.errors,
            m.elapsed.as_secs_f64(),
            args.concurrency,
            args.rate.map(|r| format!(", aiming at {r}/s")).unwrap_or_default(),
            ms(p50),
            ms(p99),
            ms(max)
        );
    }
    if let Some(err) = &m.first_error {
        eprintln!("first error: {err}");
    }
}
