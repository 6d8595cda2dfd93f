use crate::clock::Clock;
use crate::rng::Rng;
use crate::store::Store;
use std::sync::Arc;

/// What every service needs from the outside world, passed explicitly:
/// the database, the time and the randomness. Tests swap any of the three.
#[derive(Debug, Clone)]
pub struct Context {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub rng: Arc<dyn Rng>,
}
