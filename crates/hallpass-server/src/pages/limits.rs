//! Rate limits on the sign-in forms, on the app's clock. Guesses (a password,
//! a code, a reset link) are slowed per account and client address with
//! growing delays; only that pair and a far higher account-wide ceiling can
//! refuse an account's owner, so nobody elsewhere can lock them out. Mail sent
//! on request has allowances of its own, which failures never spend. A refusal
//! says when to retry; nothing is locked for good.

mod allowance;
mod backoff;

use crate::config::LimitsConfig;
use allowance::Allowance;
use backoff::{Backoff, Failures};
use hallpass_core::clock::Clock;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Refused: retry after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

#[derive(Debug)]
pub struct Limits {
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    failures_per_account: Allowance,
    failures_per_ip: Allowance,
    mails_per_account: Allowance,
    mails_per_ip: Allowance,
    registrations_per_ip: Allowance,
    /// One lock over every table, so a check and its count are one step.
    tables: Mutex<Tables>,
}

/// Times are milliseconds of the app's clock; allowances keep when they are full again.
#[derive(Debug, Default)]
struct Tables {
    pairs: HashMap<(String, IpAddr), Failures>,
    failures_by_account: HashMap<String, u64>,
    failures_by_ip: HashMap<IpAddr, u64>,
    mails_by_account: HashMap<String, u64>,
    mails_by_ip: HashMap<IpAddr, u64>,
    registrations_by_ip: HashMap<IpAddr, u64>,
}

/// Who is trying: the account (as typed) and the client's address, either may be unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    account: Option<String>,
    ip: Option<IpAddr>,
}

impl Who {
    pub fn new(account: Option<&str>, ip: Option<IpAddr>) -> Who {
        let account = account.map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty());
        Who { account, ip }
    }
}

/// A guess let through, counted as a failure until it is settled.
#[must_use = "settle the guess with its outcome"]
#[derive(Debug)]
pub struct Guess<'a> {
    limits: &'a Limits,
    who: Who,
}

/// How a guess ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The pair starts afresh and this try is not a failure.
    Right,
    /// It stays counted.
    Wrong,
    /// Not a guess after all (a malformed form, a server error): uncounted.
    NotAGuess,
}

impl Guess<'_> {
    pub fn settle(self, outcome: Outcome) {
        if outcome != Outcome::Wrong {
            self.limits.take_back(&self.who, outcome == Outcome::Right);
        }
    }
}

impl Limits {
    pub fn new(config: &LimitsConfig, clock: Arc<dyn Clock>) -> Limits {
        Limits {
            clock,
            backoff: Backoff::new(config.failures_before_delay, config.max_delay_secs),
            failures_per_account: Allowance::per_hour(config.failures_per_account_per_hour),
            failures_per_ip: Allowance::per_hour(config.failures_per_ip_per_hour),
            mails_per_account: Allowance::per_hour(config.mails_per_account_per_hour),
            mails_per_ip: Allowance::per_hour(config.mails_per_ip_per_hour),
            registrations_per_ip: Allowance::per_hour(config.registrations_per_ip_per_hour),
            tables: Mutex::default(),
        }
    }

    /// A password, code or link is about to be checked: refused while the
    /// pair must wait or an allowance of failures is spent; otherwise counted
    /// at once (so concurrent guesses cannot slip past) until settled.
    pub fn guess(&self, who: Who) -> Result<Guess<'_>, RetryAfter> {
        let now = self.now();
        let mut t = self.tables();
        let pair = who.account.clone().zip(who.ip);
        let waits = [
            pair.as_ref()
                .and_then(|p| self.backoff.wait(t.pairs.get(p).copied(), now)),
            who.account.as_ref().and_then(|a| {
                self.failures_per_account
                    .wait(t.failures_by_account.get(a).copied(), now)
            }),
            who.ip
                .and_then(|ip| self.failures_per_ip.wait(t.failures_by_ip.get(&ip).copied(), now)),
        ];
        refuse_if_any(waits)?;
        if let Some(pair) = pair {
            let failures = self.backoff.fail(t.pairs.get(&pair).copied(), now);
            t.pairs.insert(pair, failures);
        }
        if let Some(account) = &who.account {
            spend(
                &mut t.failures_by_account,
                account.clone(),
                self.failures_per_account,
                now,
            );
        }
        if let Some(ip) = who.ip {
            spend(&mut t.failures_by_ip, ip, self.failures_per_ip, now);
        }
        Ok(Guess { limits: self, who })
    }

    /// A request that sends mail: counted per account and per address.
    pub fn mail(&self, who: &Who) -> Result<(), RetryAfter> {
        let now = self.now();
        let mut t = self.tables();
        let waits = [
            who.account
                .as_ref()
                .and_then(|a| self.mails_per_account.wait(t.mails_by_account.get(a).copied(), now)),
            who.ip
                .and_then(|ip| self.mails_per_ip.wait(t.mails_by_ip.get(&ip).copied(), now)),
        ];
        refuse_if_any(waits)?;
        if let Some(account) = &who.account {
            spend(&mut t.mails_by_account, account.clone(), self.mails_per_account, now);
        }
        if let Some(ip) = who.ip {
            spend(&mut t.mails_by_ip, ip, self.mails_per_ip, now);
        }
        Ok(())
    }

    /// A dynamic client registration (RFC 7591): counted per address.
    pub fn registration(&self, ip: IpAddr) -> Result<(), RetryAfter> {
        let now = self.now();
        let mut t = self.tables();
        let wait = self
            .registrations_per_ip
            .wait(t.registrations_by_ip.get(&ip).copied(), now);
        refuse_if_any([wait])?;
        spend(&mut t.registrations_by_ip, ip, self.registrations_per_ip, now);
        Ok(())
    }

    /// Takes back a guess counted in advance; a success also clears the pair.
    fn take_back(&self, who: &Who, succeeded: bool) {
        let now = self.now();
        let mut t = self.tables();
        if let Some(pair) = who.account.clone().zip(who.ip) {
            match t.pairs.get(&pair).copied() {
                Some(f) if !succeeded && f.count > 1 => {
                    t.pairs.insert(
                        pair,
                        Failures {
                            count: f.count - 1,
                            ..f
                        },
                    );
                }
                _ => {
                    t.pairs.remove(&pair);
                }
            }
        }
        if let Some(account) = &who.account {
            refund(&mut t.failures_by_account, account, self.failures_per_account, now);
        }
        if let Some(ip) = &who.ip {
            refund(&mut t.failures_by_ip, ip, self.failures_per_ip, now);
        }
    }

    /// Forgets what no longer limits anyone, so memory stays bounded.
    pub fn forget_idle(&self) {
        let now = self.now();
        let mut t = self.tables();
        t.pairs.retain(|_, f| self.backoff.current(Some(*f), now).is_some());
        t.failures_by_account.retain(|_, full_at| *full_at > now);
        t.failures_by_ip.retain(|_, full_at| *full_at > now);
        t.mails_by_account.retain(|_, full_at| *full_at > now);
        t.mails_by_ip.retain(|_, full_at| *full_at > now);
        t.registrations_by_ip.retain(|_, full_at| *full_at > now);
    }

    fn now(&self) -> u64 {
        self.clock.now_millis()
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        // The tables are plain counters: one a panic interrupted is still usable.
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn refuse_if_any<const N: usize>(waits: [Option<u64>; N]) -> Result<(), RetryAfter> {
    match waits.into_iter().flatten().max() {
        Some(ms) => Err(RetryAfter(Duration::from_millis(ms))),
        None => Ok(()),
    }
}

fn spend<K: std::hash::Hash + Eq>(table: &mut HashMap<K, u64>, key: K, allowance: Allowance, now: u64) {
    let full_at = allowance.spend(table.get(&key).copied(), now);
    table.insert(key, full_at);
}

fn refund<K: std::hash::Hash + Eq>(table: &mut HashMap<K, u64>, key: &K, allowance: Allowance, now: u64) {
    let Some(full_at) = table.get_mut(key) else { return };
    match allowance.refund(*full_at, now) {
        Some(at) => *full_at = at,
        None => {
            table.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallpass_core::clock::{ManualClock, Timestamp};

    fn limits(clock: &Arc<ManualClock>) -> Limits {
        let config = LimitsConfig {
            failures_before_delay: 2,
            mails_per_account_per_hour: 1,
            ..LimitsConfig::default()
        };
        Limits::new(&config, clock.clone())
    }

    #[test]
    fn only_wrong_guesses_count_and_a_right_one_starts_afresh() {
        let clock = Arc::new(ManualClock::new(Timestamp(1_000)));
        let limits = limits(&clock);
        let who = || Who::new(Some(" A@example.com"), Some(IpAddr::from([10, 0, 0, 1])));
        limits.guess(who()).unwrap().settle(Outcome::Wrong);
        limits.guess(who()).unwrap().settle(Outcome::Right);
        limits.guess(who()).unwrap().settle(Outcome::NotAGuess);
        limits.guess(who()).unwrap().settle(Outcome::Wrong);
        limits.guess(who()).unwrap().settle(Outcome::Wrong);
        let refused = limits.guess(who()).unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(1)));
        assert!(limits.mail(&who()).is_ok(), "failures never spend the mail allowance");
        assert!(limits.mail(&who()).is_err());
        clock.advance(Duration::from_secs(1));
        assert!(limits.guess(Who::new(Some("a@example.com"), who().ip)).is_ok());
    }
}
