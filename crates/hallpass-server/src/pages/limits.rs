//! Rate limits on sign-in and on sending codes, per client address and per
//! account (governor's GCRA). Exceeding one answers 429 with when to retry;
//! lockouts are never permanent: the allowance refills with time.

use crate::config::LimitsConfig;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

type Keyed<K, C> = RateLimiter<K, DashMapStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

#[derive(Debug)]
pub struct Limits<C: Clock = DefaultClock> {
    clock: C,
    per_ip: Keyed<IpAddr, C>,
    per_account: Keyed<String, C>,
}

/// Refused: retry after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

fn quota(per_hour: u32) -> Quota {
    let n = NonZeroU32::new(per_hour.max(1)).unwrap_or(NonZeroU32::MIN);
    // The whole hour's allowance may be used at once, then it refills evenly.
    Quota::with_period(Duration::from_secs(3600) / n.get()).map_or(Quota::per_hour(n), |q| q.allow_burst(n))
}

impl Limits<DefaultClock> {
    pub fn new(config: &LimitsConfig) -> Limits {
        Limits::with_clock(config, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Limits<C> {
    pub fn with_clock(config: &LimitsConfig, clock: C) -> Limits<C> {
        Limits {
            per_ip: RateLimiter::dashmap_with_clock(quota(config.attempts_per_ip_per_hour), clock.clone()),
            per_account: RateLimiter::dashmap_with_clock(quota(config.attempts_per_account_per_hour), clock.clone()),
            clock,
        }
    }

    /// Counts one attempt against the address and (when given) the account.
    pub fn check(&self, ip: Option<IpAddr>, account: Option<&str>) -> Result<(), RetryAfter> {
        if let Some(ip) = ip {
            self.per_ip
                .check_key(&ip)
                .map_err(|not_until| RetryAfter(not_until.wait_time_from(self.clock.now())))?;
        }
        if let Some(account) = account.map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()) {
            self.per_account
                .check_key(&account)
                .map_err(|not_until| RetryAfter(not_until.wait_time_from(self.clock.now())))?;
        }
        Ok(())
    }

    /// Forgets keys whose allowance is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn refuses_past_the_allowance_then_forgives_with_time() {
        let clock = FakeRelativeClock::default();
        let config = LimitsConfig {
            attempts_per_ip_per_hour: 100,
            attempts_per_account_per_hour: 3,
        };
        let limits = Limits::with_clock(&config, clock.clone());
        let ip = Some("127.0.0.1".parse().unwrap());
        for _ in 0..3 {
            assert!(limits.check(ip, Some("A@example.com")).is_ok());
        }
        let refused = limits.check(ip, Some("a@example.com")).unwrap_err();
        assert!(
            refused.0 > Duration::ZERO && refused.0 <= Duration::from_secs(1200),
            "{refused:?}"
        );
        assert!(
            limits.check(ip, Some("b@example.com")).is_ok(),
            "another account is not affected"
        );
        clock.advance(Duration::from_secs(1200));
        assert!(
            limits.check(ip, Some("a@example.com")).is_ok(),
            "a lockout is temporary"
        );
    }

    #[test]
    fn limits_addresses_too() {
        let clock = FakeRelativeClock::default();
        let config = LimitsConfig {
            attempts_per_ip_per_hour: 2,
            attempts_per_account_per_hour: 100,
        };
        let limits = Limits::with_clock(&config, clock);
        let ip = Some("10.1.2.3".parse().unwrap());
        assert!(limits.check(ip, Some("a@example.com")).is_ok());
        assert!(limits.check(ip, Some("b@example.com")).is_ok());
        assert!(limits.check(ip, Some("c@example.com")).is_err());
        assert!(limits.check(Some("10.1.2.4".parse().unwrap()), None).is_ok());
    }
}
