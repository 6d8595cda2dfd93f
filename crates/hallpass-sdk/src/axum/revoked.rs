//! Sessions ended by a back-channel logout. The app's session lives in the
//! browser's cookie, so the app cannot delete it; it remembers the `sid`
//! instead and refuses cookies that carry it. Kept in memory for a day: by
//! then the cookie's refresh token has long failed at Hallpass anyway.
//! Time is the client's clock (whole seconds), so tests move it by hand.

use std::collections::HashMap;
use std::sync::Mutex;

const REMEMBER_SECS: i64 = 24 * 3600;

#[derive(Debug, Default)]
pub(crate) struct RevokedSessions(Mutex<HashMap<String, i64>>);

impl RevokedSessions {
    /// Remembers `sid` as ended at `now`, forgetting those ended a day before.
    pub(crate) fn insert(&self, sid: &str, now: i64) {
        if let Ok(mut ended) = self.0.lock() {
            ended.retain(|_, at| now.saturating_sub(*at) < REMEMBER_SECS);
            ended.insert(sid.to_owned(), now);
        }
    }

    pub(crate) fn contains(&self, sid: &str) -> bool {
        self.0.lock().is_ok_and(|ended| ended.contains_key(sid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_a_session_a_day_after_it_ended() {
        let revoked = RevokedSessions::default();
        revoked.insert("old", 1_000);
        revoked.insert("recent", 1_000 + REMEMBER_SECS - 1);
        assert!(revoked.contains("old"), "within the day");
        revoked.insert("new", 1_000 + REMEMBER_SECS);
        assert!(!revoked.contains("old"), "a day later");
        assert!(revoked.contains("recent") && revoked.contains("new"));
    }
}
