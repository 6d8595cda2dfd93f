use crate::clock::Clock;
use crate::rng::Rng;
use crate::sessions::SessionNotifier;
use crate::store::Store;
use std::sync::Arc;

/// What every service needs from the outside world, passed explicitly:
/// the database, the time, the randomness, and whom to tell when sessions
/// end. Tests swap any of them.
#[derive(Debug, Clone)]
pub struct Context {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub rng: Arc<dyn Rng>,
    pub notifier: Arc<dyn SessionNotifier>,
}
