//! Growing delays for one account from one address: a few failures are free,
//! then each further try waits twice as long as the last, up to a cap.

const FIRST_DELAY_MS: u64 = 1_000;
/// Failures are forgotten this long after the last one (or the cap, if longer).
const FORGET_MS: u64 = 3_600_000;

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    free: u32,
    max_delay: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: u64,
}

impl Backoff {
    pub fn new(free: u32, max_delay_secs: u32) -> Backoff {
        Backoff {
            free,
            max_delay: u64::from(max_delay_secs).saturating_mul(1000).max(FIRST_DELAY_MS),
        }
    }

    /// The failures that still count at `now`.
    pub fn current(self, failures: Option<Failures>, now: u64) -> Option<Failures> {
        failures.filter(|f| now < f.last.saturating_add(FORGET_MS.max(self.max_delay)))
    }

    /// How long until the next try, if it must wait.
    pub fn wait(self, failures: Option<Failures>, now: u64) -> Option<u64> {
        let failures = self.current(failures, now)?;
        let past_free = failures.count.checked_sub(self.free)?;
        let delay = FIRST_DELAY_MS
            .saturating_mul(1 << past_free.min(32))
            .min(self.max_delay);
        (failures.last + delay).checked_sub(now).filter(|w| *w > 0)
    }

    pub fn fail(self, failures: Option<Failures>, now: u64) -> Failures {
        let count = self.current(failures, now).map_or(0, |f| f.count);
        Failures {
            count: count.saturating_add(1),
            last: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_doubling_waits_up_to_the_cap() {
        let backoff = Backoff::new(2, 5);
        let mut failures = None;
        let mut now = 0;
        let mut waits = Vec::new();
        for _ in 0..6 {
            if let Some(wait) = backoff.wait(failures, now) {
                waits.push(wait);
                now += wait;
            }
            failures = Some(backoff.fail(failures, now));
        }
        assert_eq!(waits, [1_000, 2_000, 4_000, 5_000]);
        assert_eq!(backoff.wait(failures, now + FORGET_MS), None, "forgotten after an hour");
    }
}
