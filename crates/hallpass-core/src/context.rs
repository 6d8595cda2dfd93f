use crate::clock::Clock;
use crate::rng::Rng;
use crate::services::passwords::HashingPool;
use crate::sessions::SessionNotifier;
use crate::store::Store;
use std::sync::Arc;

/// What every service needs from the outside world, passed explicitly:
/// the database, the time, the randomness, whom to tell when sessions end,
/// and where password hashing runs. Tests swap any of them.
#[derive(Debug, Clone)]
pub struct Context {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub rng: Arc<dyn Rng>,
    pub notifier: Arc<dyn SessionNotifier>,
    pub hashing: HashingPool,
}
