//! Sessions ended by a back-channel logout. The app's session lives in the
//! browser's cookie, so the app cannot delete it; it remembers the `sid`
//! instead and refuses cookies that carry it. Kept in memory for a day: by
//! then the cookie's refresh token has long failed at Hallpass anyway.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const REMEMBER: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Default)]
pub(crate) struct RevokedSessions(Mutex<HashMap<String, Instant>>);

impl RevokedSessions {
    pub(crate) fn insert(&self, sid: &str) {
        if let Ok(mut ended) = self.0.lock() {
            ended.retain(|_, at| at.elapsed() < REMEMBER);
            ended.insert(sid.to_owned(), Instant::now());
        }
    }

    pub(crate) fn contains(&self, sid: &str) -> bool {
        self.0.lock().is_ok_and(|ended| ended.contains_key(sid))
    }
}
