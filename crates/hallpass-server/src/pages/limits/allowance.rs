//! An hourly allowance that may be spent at once and refills evenly (GCRA):
//! what is kept per key is the time, in milliseconds, at which it is full again.

const HOUR_MS: u64 = 3_600_000;

#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    /// Milliseconds one use takes to refill.
    interval: u64,
    /// Milliseconds of uses that may be outstanding: the whole allowance.
    capacity: u64,
}

impl Allowance {
    pub fn per_hour(n: u32) -> Allowance {
        let n = u64::from(n.max(1));
        let interval = (HOUR_MS / n).max(1);
        Allowance {
            interval,
            capacity: interval * n,
        }
    }

    /// How long until one more use fits, if it does not now.
    pub fn wait(self, full_at: Option<u64>, now: u64) -> Option<u64> {
        let after = full_at.unwrap_or(now).max(now) + self.interval;
        after.checked_sub(now + self.capacity).filter(|w| *w > 0)
    }

    /// The new `full_at` once one more use is spent.
    pub fn spend(self, full_at: Option<u64>, now: u64) -> u64 {
        full_at.unwrap_or(now).max(now) + self.interval
    }

    /// Gives one use back; `None` when nothing is left outstanding.
    pub fn refund(self, full_at: u64, now: u64) -> Option<u64> {
        Some(full_at.saturating_sub(self.interval)).filter(|at| *at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spent_at_once_then_refills_evenly() {
        let allowance = Allowance::per_hour(3);
        let mut full_at = None;
        for _ in 0..3 {
            assert_eq!(allowance.wait(full_at, 0), None);
            full_at = Some(allowance.spend(full_at, 0));
        }
        assert_eq!(allowance.wait(full_at, 0), Some(1_200_000));
        assert_eq!(allowance.wait(full_at, 1_200_000), None, "one use came back");
        let refunded = full_at.and_then(|at| allowance.refund(at, 0));
        assert_eq!(allowance.wait(refunded, 0), None, "a refund frees a use");
    }
}
